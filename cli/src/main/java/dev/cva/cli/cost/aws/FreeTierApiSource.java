package dev.cva.cli.cost.aws;

import dev.cva.cli.cost.AwsFreeTierSource;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.freetier.FreeTierClient;
import software.amazon.awssdk.services.freetier.model.FreeTierException;
import software.amazon.awssdk.services.freetier.model.FreeTierUsage;
import software.amazon.awssdk.services.freetier.model.GetFreeTierUsageResponse;

/**
 * The AWS Free Tier API ({@code GetFreeTierUsage}) behind {@link AwsFreeTierSource}. Default credential chain, us-east-1,
 * region-less endpoint resolution, so {@code AWS_ENDPOINT_URL_FREETIER} / {@code AWS_ENDPOINT_URL} redirect it. A
 * failure does not fail the report: it becomes the reason the free tier is unavailable.
 */
public final class FreeTierApiSource implements AwsFreeTierSource, AutoCloseable {
    private final FreeTierClient client;

    public FreeTierApiSource(FreeTierClient client) {
        this.client = client;
    }

    public static FreeTierClient defaultClient() {
        return FreeTierClient.builder()
                .region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public Result currentMonth() {
        List<Use> uses = new ArrayList<>();
        String token = null;
        try {
            do {
                String next = token;
                GetFreeTierUsageResponse r =
                        client.getFreeTierUsage(b -> b.maxResults(1000).nextToken(next));
                for (FreeTierUsage u : r.freeTierUsages()) {
                    uses.add(new Use(
                            u.service(),
                            u.usageType(),
                            u.region(),
                            decimal(u.actualUsageAmount()),
                            decimal(u.forecastedUsageAmount()),
                            decimal(u.limit()),
                            u.unit(),
                            u.freeTierType(),
                            u.description()));
                }
                token = r.nextToken();
            } while (token != null && !token.isEmpty());
            return new Result(uses, null);
        } catch (FreeTierException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null
                    ? e.getMessage()
                    : e.awsErrorDetails().errorMessage();
            return Result.unavailable(
                    "Free Tier API GetFreeTierUsage: " + code + " (HTTP " + e.statusCode() + ") " + message
                            + (e.statusCode() == 403
                                    ? " (needs freetier:GetFreeTierUsage; Organizations member accounts have no free tier)"
                                    : ""));
        } catch (SdkClientException e) {
            return Result.unavailable("Free Tier API GetFreeTierUsage: " + e.getMessage());
        } catch (SdkException e) {
            return Result.unavailable("Free Tier API GetFreeTierUsage: " + e.getMessage());
        }
    }

    /** The API's doubles, kept as the shortest decimal that prints them (no binary noise in the report). */
    private static BigDecimal decimal(Double d) {
        return d == null ? null : new BigDecimal(Double.toString(d));
    }

    @Override
    public void close() {
        client.close();
    }
}
