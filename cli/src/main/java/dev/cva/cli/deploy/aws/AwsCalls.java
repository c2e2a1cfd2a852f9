package dev.cva.cli.deploy.aws;

import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** The edge where AWS SDK failures become CvaExceptions: the service's error code and message, or a credentials hint. */
final class AwsCalls {
    private AwsCalls() {}

    static <T> T call(String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode() + ": ";
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot " + what + ": " + code
                            + (e.awsErrorDetails() == null
                                    ? e.getMessage()
                                    : e.awsErrorDetails().errorMessage()),
                    null,
                    e);
        } catch (SdkException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot " + what + ": " + e.getMessage(),
                    "check the AWS credentials (aws sts get-caller-identity) and the region",
                    e);
        }
    }
}
