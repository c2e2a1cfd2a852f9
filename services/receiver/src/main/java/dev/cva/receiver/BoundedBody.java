package dev.cva.receiver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** Reads a request body without ever holding more than {@code limit + 1} bytes of it. */
final class BoundedBody {
    private BoundedBody() {}

    /** The body, or empty when it is longer than {@code limit} bytes (then at most limit+1 bytes were read). */
    static Optional<byte[]> read(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit + 1, 8192));
        byte[] buf = new byte[8192];
        long remaining = (long) limit + 1;
        while (remaining > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            remaining -= n;
        }
        return out.size() > limit ? Optional.empty() : Optional.of(out.toByteArray());
    }
}
