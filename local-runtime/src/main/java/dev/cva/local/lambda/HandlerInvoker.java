package dev.cva.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A handler called in this JVM with the event JSON turned into its event class the way the runtime client does it
 * ({@link LambdaEventSerializers}), and its answer turned back into JSON. A thrown exception is an error result,
 * as Lambda reports it (an {@link Error} included, as the runtime client reports it).
 */
public final class HandlerInvoker<I, O> implements Invoker {
    private final String name;
    private final RequestHandler<I, O> handler;
    private final PojoSerializer<I> in;
    private final PojoSerializer<O> out;
    private final int concurrency;

    public HandlerInvoker(String name, RequestHandler<I, O> handler, Class<I> input, Class<O> output, int concurrency) {
        this.name = name;
        this.handler = handler;
        ClassLoader cl = getClass().getClassLoader();
        this.in = LambdaEventSerializers.serializerFor(input, cl);
        this.out = LambdaEventSerializers.serializerFor(output, cl);
        this.concurrency = concurrency;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int concurrency() {
        return concurrency;
    }

    @Override
    public Result invoke(String payload) {
        try {
            O answer = handler.handleRequest(
                    in.fromJson(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8))), null);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            out.toJson(answer, bytes);
            return new Result(false, bytes.toString(StandardCharsets.UTF_8));
        } catch (RuntimeException | Error e) {
            // as the runtime client: anything the handler throws is the invocation's error, an Error too
            return new Result(
                    true,
                    "{\"errorType\":\"" + e.getClass().getName() + "\",\"errorMessage\":\""
                            + String.valueOf(e.getMessage())
                                    .replace("\\", "\\\\")
                                    .replace("\"", "'") + "\"}");
        }
    }
}
