package dev.cva.cli.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import dev.cva.local.lambda.Invoker;
import dev.cva.local.lambda.RuntimeApi;
import java.util.Map;

/**
 * Before the stack says it is ready, each event-driven function handles one synthetic batch that changes no data:
 * a cold JVM then loads its handler's classes (contract validator, SDK, JSON) before the first real event, instead
 * of making the first real batches wait seconds.
 */
final class Warmup {
    private static final ObjectMapper JSON = CvaContext.json();

    private Warmup() {}

    /** Per processor slot an SQS batch whose one message breaks the query contract (rejected, never stored); a stream MODIFY (ignored). */
    static void functions(Map<String, ? extends Invoker> functions, String region) {
        Invoker processor = functions.get("processor");
        if (processor != null) {
            ObjectNode event = JSON.createObjectNode();
            ObjectNode m = event.putArray("Records").addObject();
            m.put("messageId", "warmup")
                    .put("receiptHandle", "warmup")
                    .put("body", "{\"eventType\":\"query\",\"requestId\":\"warmup\"}")
                    .put("eventSource", "aws:sqs")
                    .put("awsRegion", region);
            m.putObject("attributes").put("ApproximateReceiveCount", "1");
            m.putObject("messageAttributes");
            String payload = event.toString();
            java.util.stream.IntStream.range(0, processor.concurrency())
                    .parallel()
                    .forEach(i -> require(processor, processor.invoke(payload)));
        }
        Invoker notifier = functions.get("notifier");
        if (notifier != null) {
            ObjectNode event = JSON.createObjectNode();
            ObjectNode r = event.putArray("Records").addObject();
            r.put("eventID", "warmup")
                    .put("eventName", "MODIFY")
                    .put("eventSource", "aws:dynamodb")
                    .put("awsRegion", region);
            ObjectNode d = r.putObject("dynamodb");
            d.putObject("Keys").putObject("requestId").put("S", "warmup");
            d.put("SequenceNumber", "0").put("SizeBytes", 1).put("StreamViewType", "NEW_IMAGE");
            require(notifier, notifier.invoke(event.toString()));
        }
    }

    /** Ready means the function handles an event: an error here stops the start with the function's own message. */
    private static void require(Invoker f, Invoker.Result r) {
        if (r.error()) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    f.name() + " failed its warm-up invocation: " + RuntimeApi.brief(r.body()),
                    "check services." + f.name() + ".handler in cva.yaml and the log in .cva/local/logs");
        }
    }
}
