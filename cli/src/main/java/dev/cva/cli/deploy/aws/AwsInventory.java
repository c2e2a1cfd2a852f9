package dev.cva.cli.deploy.aws;

import static dev.cva.cli.deploy.aws.AwsCalls.call;

import dev.cva.cli.CvaException;
import dev.cva.cli.deploy.CloudResources;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * {@link CloudResources.Inventory} over Lambda, DynamoDB and SQS in one region, read-only (GetFunction, GetAlias,
 * ListEventSourceMappings, DescribeTable, GetQueueUrl). The SDK's default credential chain and endpoint resolution
 * ({@code AWS_ENDPOINT_URL} and its per-service variants reach moto or any stand-in). "Not found" is an answer;
 * any other SDK failure becomes a {@link CvaException} here, at the edge.
 */
public final class AwsInventory implements CloudResources.Inventory {
    private final LambdaClient lambda;
    private final DynamoDbClient dynamo;
    private final SqsClient sqs;

    AwsInventory(LambdaClient lambda, DynamoDbClient dynamo, SqsClient sqs) {
        this.lambda = lambda;
        this.dynamo = dynamo;
        this.sqs = sqs;
    }

    public static AwsInventory create(String region) {
        Region r = Region.of(region);
        return new AwsInventory(
                LambdaClient.builder()
                        .region(r)
                        .httpClient(UrlConnectionHttpClient.create())
                        .build(),
                DynamoDbClient.builder()
                        .region(r)
                        .httpClient(UrlConnectionHttpClient.create())
                        .build(),
                SqsClient.builder()
                        .region(r)
                        .httpClient(UrlConnectionHttpClient.create())
                        .build());
    }

    @Override
    public boolean function(String name) {
        return exists("read the Lambda function " + name, () -> lambda.getFunction(b -> b.functionName(name)));
    }

    @Override
    public boolean alias(String function, String alias) {
        return exists(
                "read the alias " + function + ":" + alias,
                () -> lambda.getAlias(b -> b.functionName(function).name(alias)));
    }

    @Override
    public List<CloudResources.Mapping> mappings() {
        return call("list the event source mappings", () -> {
            List<CloudResources.Mapping> out = new ArrayList<>();
            for (EventSourceMappingConfiguration m :
                    lambda.listEventSourceMappingsPaginator(b -> {}).eventSourceMappings()) {
                out.add(new CloudResources.Mapping(m.eventSourceArn(), m.functionArn(), m.state()));
            }
            return out;
        });
    }

    @Override
    public boolean table(String name) {
        return exists("describe the table " + name, () -> dynamo.describeTable(b -> b.tableName(name)));
    }

    @Override
    public boolean queue(String name) {
        return exists("find the queue " + name, () -> sqs.getQueueUrl(b -> b.queueName(name)));
    }

    @Override
    public void close() {
        lambda.close();
        dynamo.close();
        sqs.close();
    }

    private static boolean exists(String what, Supplier<?> read) {
        return call(what, () -> {
            try {
                read.get();
                return true;
            } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException
                    | software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException
                    | QueueDoesNotExistException e) {
                return false;
            }
        });
    }
}
