import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * The cheapest possible receiver: reads the body, answers 200 {"status":"stored"} at once. Loopback only.
 * Used by bench/webhook-load.sh to measure what cva webhook load itself can drive.
 * Run: java bench/webhook/NullServer.java PORT
 */
public final class NullServer {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK: ~40 ms stalls.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        byte[] answer = "{\"status\":\"stored\"}".getBytes();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.createContext("/", x -> {
            x.getRequestBody().readAllBytes();
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(200, answer.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(answer);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
        System.out.println("null server ready on " + port);
    }
}
