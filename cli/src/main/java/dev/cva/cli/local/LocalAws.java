package dev.cva.cli.local;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** AWS SDK clients aimed at the local emulators, with fixed dummy credentials (never the user's own). */
final class LocalAws {
    static final String ACCOUNT = "000000000000";
    static final String ACCESS_KEY = "local";
    static final String SECRET_KEY = "local";

    private LocalAws() {}

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    static SqsClient sqs(String endpoint, String region) {
        return SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.of(region))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    static DynamoDbClient dynamo(String endpoint, String region) {
        return DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.of(region))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    static DynamoDbStreamsClient streams(String endpoint, String region) {
        return DynamoDbStreamsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.of(region))
                .credentialsProvider(credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }
}
