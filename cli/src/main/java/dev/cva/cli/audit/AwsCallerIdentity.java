package dev.cva.cli.audit;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.time.Duration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The AWS caller: STS {@code GetCallerIdentity}'s ARN for the default credential chain (a user, or an assumed role's
 * session such as {@code arn:aws:sts::123456789012:assumed-role/cva-deploy/GitHubActions}). Needs no permission.
 */
public final class AwsCallerIdentity implements CallerIdentity {
    private final StsClient sts;

    public AwsCallerIdentity(StsClient sts) {
        this.sts = sts;
    }

    /** The default credential chain and endpoint ({@code AWS_ENDPOINT_URL_STS} or {@code aws.endpointUrlSts} for a stand-in). */
    public static AwsCallerIdentity create(String region) {
        return new AwsCallerIdentity(StsClient.builder()
                .region(Region.of(region))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(15)))
                .httpClient(UrlConnectionHttpClient.create())
                .build());
    }

    @Override
    public String who() {
        try {
            return sts.getCallerIdentity().arn();
        } catch (AwsServiceException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "STS GetCallerIdentity: "
                            + (e.awsErrorDetails() == null
                                    ? e.getMessage()
                                    : e.awsErrorDetails().errorCode() + ": "
                                            + e.awsErrorDetails().errorMessage()),
                    null,
                    e);
        } catch (SdkException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "STS GetCallerIdentity: " + e.getMessage(),
                    "check the AWS credentials (aws sts get-caller-identity)",
                    e);
        }
    }
}
