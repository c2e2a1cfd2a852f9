package dev.cva.local;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * AWS SDK clients aimed at the local stand-ins, with the credentials given, or fixed dummy ones (never the user's own)
 * for ElasticMQ and for a moto server that does not enforce IAM. Where moto enforces it (the local stack, the shared
 * test server), only the keys it issued work: see {@link LocalIam}.
 */
public final class LocalAws {
    /** The account ElasticMQ is configured with (moto always uses 123456789012). */
    public static final String ACCOUNT = "000000000000";

    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";
    public static final Region DEFAULT_REGION = Region.EU_WEST_2;

    private LocalAws() {}

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    public static SqsClient sqs(URI endpoint, String region) {
        return sqs(endpoint, region, credentials());
    }

    public static SqsClient sqs(URI endpoint, String region, AwsCredentialsProvider credentials) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** A DynamoDB client with the fixed local credentials: for a moto server that does not enforce IAM. */
    public static DynamoDbClient dynamo(URI endpoint, String region, ExecutionInterceptor... interceptors) {
        return dynamo(endpoint, region, credentials(), interceptors);
    }

    public static DynamoDbClient dynamo(
            URI endpoint, String region, AwsCredentialsProvider credentials, ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .executionInterceptors(java.util.List.of(interceptors))
                        .build())
                .build();
    }

    public static DynamoDbStreamsClient streams(URI endpoint, String region) {
        return streams(endpoint, region, credentials());
    }

    public static DynamoDbStreamsClient streams(URI endpoint, String region, AwsCredentialsProvider credentials) {
        return DynamoDbStreamsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
