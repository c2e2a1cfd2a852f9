package dev.cva.local;

import dev.cva.local.iam.PolicyEvaluator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * IAM as AWS enforces it, on moto's server: an administrator the stack issues keys to, one role per Lambda function
 * with its policy from {@code infra/policies}, and session credentials of that role for the function, as Lambda gives
 * its execution role's. Once {@link #enforce} has run, moto refuses keys it did not issue (UnrecognizedClientException)
 * and every call a policy does not allow (AccessDeniedException).
 */
public final class LocalIam {
    /** moto's account. */
    public static final String ACCOUNT = "123456789012";

    public static final String ADMIN_USER = "cva-local-admin";
    private static final int SESSION_SECONDS = 12 * 60 * 60; // the longest a role session may last in AWS

    /** Access keys: an IAM user's (no session token) or a role session's. {@link #toString} shows no secret. */
    public record Keys(String accessKeyId, String secretAccessKey, String sessionToken) {
        public AwsCredentialsProvider provider() {
            return StaticCredentialsProvider.create(
                    sessionToken == null
                            ? AwsBasicCredentials.create(accessKeyId, secretAccessKey)
                            : AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken));
        }

        /** The standard variables the SDKs' default credential chain reads. */
        public Map<String, String> environment() {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("AWS_ACCESS_KEY_ID", accessKeyId);
            env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
            if (sessionToken != null) {
                env.put("AWS_SESSION_TOKEN", sessionToken);
            }
            return env;
        }

        @Override
        public String toString() {
            return "Keys[" + accessKeyId + "]";
        }
    }

    /** Who a set of keys belongs to and what its policy allows: for the stand-ins moto's IAM does not reach. */
    public record Principal(String arn, PolicyEvaluator policy) {}

    private static final String ALLOW_ALL =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

    private final URI endpoint;
    private final Keys admin;
    private final Map<String, Principal> issued = new ConcurrentHashMap<>();

    private LocalIam(URI endpoint, Keys admin) {
        this.endpoint = endpoint;
        this.admin = admin;
        issued.put(
                admin.accessKeyId(),
                new Principal("arn:aws:iam::" + ACCOUNT + ":user/" + ADMIN_USER, new PolicyEvaluator(ALLOW_ALL)));
    }

    /** The principal of keys this object issued, or empty: AWS would not know them. */
    public Optional<Principal> principal(String accessKeyId) {
        return Optional.ofNullable(issued.get(accessKeyId));
    }

    /**
     * Creates the administrator on a moto server that does not check credentials yet, then turns checking on. From
     * then on only the keys moto issued work; {@link #admin()} has every permission.
     */
    public static LocalIam enforce(URI moto) {
        Keys admin;
        try (IamClient iam =
                iam(moto, StaticCredentialsProvider.create(AwsBasicCredentials.create("bootstrap", "bootstrap")))) {
            iam.createUser(b -> b.userName(ADMIN_USER));
            iam.putUserPolicy(
                    b -> b.userName(ADMIN_USER).policyName("administrator").policyDocument(ALLOW_ALL));
            AccessKey key = iam.createAccessKey(b -> b.userName(ADMIN_USER)).accessKey();
            admin = new Keys(key.accessKeyId(), key.secretAccessKey(), null);
        } catch (SdkException e) {
            throw new LocalRuntimeException(
                    "cannot create the local administrator on moto: " + e.getMessage(), null, e);
        }
        setAuth(moto, "0");
        return new LocalIam(moto, admin);
    }

    /** Turns moto's credential and policy checks off again (`cva local up --no-iam` never turns them on). */
    public static void relax(URI moto) {
        setAuth(moto, "inf");
    }

    public Keys admin() {
        return admin;
    }

    /**
     * The role {@code roleName} with exactly {@code policyJson} (created, or its policy replaced), and fresh session
     * credentials of it: what the function runs with.
     */
    public Keys role(String roleName, String policyJson) {
        String trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\","
                + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\",\"AWS\":\"arn:aws:iam::" + ACCOUNT + ":user/"
                + ADMIN_USER + "\"}}]}";
        try (IamClient iam = iam(endpoint, admin.provider());
                StsClient sts = StsClient.builder()
                        .endpointOverride(endpoint)
                        .region(LocalAws.DEFAULT_REGION)
                        .credentialsProvider(admin.provider())
                        .httpClient(UrlConnectionHttpClient.create())
                        .build()) {
            try {
                iam.createRole(b ->
                        b.roleName(roleName).assumeRolePolicyDocument(trust).maxSessionDuration(SESSION_SECONDS));
            } catch (EntityAlreadyExistsException e) {
                // a second test or stack start: keep the role, replace its policy below
            }
            iam.putRolePolicy(b -> b.roleName(roleName).policyName("service").policyDocument(policyJson));
            Credentials c = sts.assumeRole(b -> b.roleArn("arn:aws:iam::" + ACCOUNT + ":role/" + roleName)
                            .roleSessionName(roleName)
                            .durationSeconds(SESSION_SECONDS))
                    .credentials();
            issued.put(
                    c.accessKeyId(),
                    new Principal(
                            "arn:aws:sts::" + ACCOUNT + ":assumed-role/" + roleName + "/" + roleName,
                            new PolicyEvaluator(policyJson)));
            return new Keys(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        } catch (SdkException e) {
            throw new LocalRuntimeException(
                    "cannot give role " + roleName + " its policy on moto: " + e.getMessage(), null, e);
        }
    }

    private static IamClient iam(URI endpoint, AwsCredentialsProvider credentials) {
        return IamClient.builder()
                .endpointOverride(endpoint)
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** moto's own switch: the number of requests let through unchecked from now on ("inf": all of them). */
    private static void setAuth(URI moto, String unchecked) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(moto.resolve("/moto-api/reset-auth"))
                                    .timeout(Duration.ofSeconds(10))
                                    .header("Content-Type", "text/plain")
                                    .POST(HttpRequest.BodyPublishers.ofString(unchecked))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new LocalRuntimeException(
                        "moto refused to change its IAM checks (HTTP " + r.statusCode() + ")", null);
            }
        } catch (IOException e) {
            throw new LocalRuntimeException("cannot reach moto to change its IAM checks: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalRuntimeException("interrupted", null, e);
        }
    }
}
