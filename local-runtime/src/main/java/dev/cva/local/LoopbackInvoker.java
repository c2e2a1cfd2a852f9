package dev.cva.local;

import com.google.cloud.functions.invoker.runner.Invoker;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Functions Framework invoker, listening on 127.0.0.1 only. The invoker's own {@code main} binds every interface
 * and has no host option; this runs its function handlers (the same executor, request timeout and multipart
 * settings) in a Jetty server whose one connector is bound to the loopback address. Runs in the invoker's JVM:
 * {@code java -cp java-function-invoker.jar:cva-local-runtime.jar dev.cva.local.LoopbackInvoker --classpath JAR
 * --target CLASS --port N}.
 */
public final class LoopbackInvoker {
    private LoopbackInvoker() {}

    public static void main(String[] args) throws Exception {
        String classPath = null;
        String target = null;
        int port = 8080;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--classpath" -> classPath = args[i + 1];
                case "--target" -> target = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (classPath == null || target == null) {
            throw new IllegalArgumentException("usage: LoopbackInvoker --classpath JAR --target CLASS --port N");
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            urls.add(new File(entry).toURI().toURL());
        }
        ClassLoader functionLoader =
                new URLClassLoader(urls.toArray(URL[]::new), LoopbackInvoker.class.getClassLoader());
        Thread.currentThread().setContextClassLoader(functionLoader);
        Invoker invoker = new Invoker(port, target, "http", functionLoader);

        // the invoker's own handler chain for the function (private methods of the same class it would call)
        Class<?> function = (Class<?>) call(invoker, "loadFunctionClass", new Class<?>[0]);
        Handler handler =
                (Handler) call(invoker, "handlerForDeducedSignatureType", new Class<?>[] {Class.class}, function);
        handler = (Handler) call(invoker, "addTimerHandlerForRequestTimeout", new Class<?>[] {Handler.class}, handler);

        Server server = new Server(new QueuedThreadPool(1024));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(handler);
        server.insertHandler(new EagerContentHandler(new EagerContentHandler.MultiPartContentLoaderFactory(
                new MultiPartConfig.Builder().maxMemoryPartSize(-1).build())));
        server.start();
        System.out.println("Serving function " + target + " on http://127.0.0.1:" + connector.getLocalPort() + "/");
        server.join();
    }

    private static Object call(Invoker invoker, String name, Class<?>[] types, Object... args) throws Exception {
        Method m = Invoker.class.getDeclaredMethod(name, types);
        m.setAccessible(true);
        return m.invoke(invoker, args);
    }
}
