package dev.cva.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Roles in moto's IAM, which its Lambda checks a function's role against, made by IAM's own query API. */
public final class MotoRoles {
    private MotoRoles() {}

    /** Creates role {@code name} that Lambda may assume; returns its ARN (moto's account). */
    public static String lambdaRole(URI endpoint, String name) throws IOException, InterruptedException {
        String form = "Action=CreateRole&Version=2010-05-08&RoleName=" + name + "&AssumeRolePolicyDocument="
                + URLEncoder.encode(
                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                                + "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}",
                        StandardCharsets.UTF_8);
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(endpoint.resolve("/"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .header(
                                        "Authorization",
                                        "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, "
                                                + "SignedHeaders=host, Signature=x")
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return "arn:aws:iam::123456789012:role/" + name;
    }
}
