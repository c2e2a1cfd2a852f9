package dev.cva.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The function {@link Functions} packages for the tests: it answers with its VERSION variable, its function name and
 * the event; {@code {"fail":…}} throws, {@code {"exit":…}} ends its JVM mid-invocation, and FAIL_INIT=true makes its
 * initialisation fail. Plain strings only: the function's class path is its jar and the runtime client, nothing else.
 */
public final class ProbeHandler implements RequestStreamHandler {
    static {
        if ("true".equals(System.getenv("FAIL_INIT"))) {
            throw new IllegalStateException("initialisation refused by FAIL_INIT");
        }
    }

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
        String event = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (event.contains("\"fail\"")) {
            throw new IllegalArgumentException("asked to fail");
        }
        if (event.contains("\"exit\"")) {
            Runtime.getRuntime().halt(3);
        }
        out.write(("{\"version\":\"" + System.getenv("VERSION") + "\",\"function\":\"" + context.getFunctionName()
                        + "\",\"event\":" + event + "}")
                .getBytes(StandardCharsets.UTF_8));
    }
}
