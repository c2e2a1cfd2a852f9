package dev.cva.cli.stackclient;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment variables that point the AWS CLI and SDKs (their standard {@code AWS_ENDPOINT_URL_<SERVICE>}
 * settings) and Google's tools and client libraries ({@code FIRESTORE_EMULATOR_HOST}) at a running local stack.
 * The credentials are the stack's own administrator's, which moto issued when the stack started (it refuses any
 * others, as AWS would); a user's real keys are never needed or sent.
 */
public final class LocalEnv {
    public enum Shell {
        bash,
        fish,
        json
    }

    private LocalEnv() {}

    /** @param admin the stack's administrator keys ({@link LocalCredentials#read}) */
    public static Map<String, String> variables(LocalState s, dev.cva.local.LocalIam.Keys admin) {
        Map<String, String> v = new LinkedHashMap<>();
        String region = s.resource("region");
        v.put("AWS_ENDPOINT_URL_SQS", s.url("sqs"));
        v.put("AWS_ENDPOINT_URL_DYNAMODB", s.url("dynamodb"));
        v.put("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", s.url("dynamodb"));
        if (s.parts().containsKey("lambda")) {
            v.put("AWS_ENDPOINT_URL_LAMBDA", s.url("lambda"));
        }
        if (s.parts().containsKey("ses")) {
            v.put("AWS_ENDPOINT_URL_SESV2", s.url("ses"));
        }
        v.put("AWS_REGION", region);
        v.put("AWS_DEFAULT_REGION", region);
        v.putAll(admin.environment());
        v.put("FIRESTORE_EMULATOR_HOST", s.url("firestore").replaceFirst("^https?://", ""));
        v.put("GOOGLE_CLOUD_PROJECT", s.resource("gcpProject"));
        v.put("CLOUDSDK_CORE_PROJECT", s.resource("gcpProject"));
        v.put("CVA_ENV", "local");
        return v;
    }

    public static String render(Map<String, String> variables, Shell shell) {
        StringBuilder out = new StringBuilder();
        variables.forEach((k, v) -> {
            switch (shell) {
                case bash ->
                    out.append("export ").append(k).append('=').append(quote(v)).append('\n');
                case fish ->
                    out.append("set -gx ")
                            .append(k)
                            .append(' ')
                            .append(quote(v))
                            .append(";\n");
                case json -> {}
            }
        });
        return out.toString();
    }

    /** Single-quoted for both shells ({@code '} itself closed, escaped and reopened). */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
