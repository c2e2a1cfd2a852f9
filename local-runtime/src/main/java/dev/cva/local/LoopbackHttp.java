package dev.cva.local;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * JDK HTTP servers of the local environment: bound to 127.0.0.1 only, with TCP_NODELAY. Without it the JDK server
 * leaves small responses to Nagle's algorithm, which cost about 44 ms per Lambda Runtime API answer.
 */
public final class LoopbackHttp {
    static {
        enableNoDelay();
    }

    private LoopbackHttp() {}

    /**
     * Sets {@code sun.net.httpserver.nodelay}; the JDK reads it once, when its first HttpServer is made, so call this
     * (or any method here) before any server of the JVM starts.
     */
    public static void enableNoDelay() {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** A server on {@code port} (0 = any free one) of 127.0.0.1, not started. */
    public static HttpServer create(int port, int backlog) throws IOException {
        return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
    }
}
