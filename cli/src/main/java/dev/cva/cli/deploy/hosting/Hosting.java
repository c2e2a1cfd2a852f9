package dev.cva.cli.deploy.hosting;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of the Firebase Hosting REST API (v1beta1) a static deploy needs: the site, its live release, a version's
 * files, and the create → populateFiles → upload → finalize → release sequence. Failures are
 * {@link dev.cva.cli.CvaException}s raised inside the implementation.
 */
public interface Hosting {
    /** {@code name}: {@code projects/P/sites/S}; {@code defaultUrl}: {@code https://S.web.app}. */
    record Site(String name, String defaultUrl) {}

    /** {@code name}: {@code sites/S/versions/ID}; {@code createTime} RFC 3339, null when not given. */
    record Version(String name, String status, Map<String, String> labels, String createTime) {
        public Version {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        public Version(String name, String status, Map<String, String> labels) {
            this(name, status, labels, null);
        }

        public String id() {
            return name.substring(name.lastIndexOf('/') + 1);
        }
    }

    /** A release of the live channel: which version it serves (null for a SITE_DISABLE release). */
    record Release(String name, String type, String releaseTime, Version version) {}

    /** The answer to populateFiles: which hashes the service lacks, and where to upload them. */
    record Populated(List<String> uploadRequiredHashes, String uploadUrl) {
        public Populated {
            uploadRequiredHashes = uploadRequiredHashes == null ? List.of() : List.copyOf(uploadRequiredHashes);
        }
    }

    Site site(String project, String site);

    /** The newest release of the site's live channel, if any. */
    Optional<Release> liveRelease(String site);

    /** The releases of the site's live channel, newest first, at most {@code max}. */
    List<Release> liveReleases(String site, int max);

    /** path → SHA-256 (of the gzipped content) of every file of {@code versionName}. */
    Map<String, String> files(String versionName);

    Version createVersion(String site, Map<String, Object> config, Map<String, String> labels);

    Populated populateFiles(String versionName, Map<String, String> files);

    void upload(String uploadUrl, String hash, byte[] gzipped);

    Version finalizeVersion(String versionName);

    Release release(String site, String versionName);

    /** The HTTP status of a plain GET of {@code url} (a smoke test of the site), or -1 when nothing answered. */
    int status(String url);
}
