package dev.cva.cli.deploy.hosting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.auth.oauth2.GoogleCredentials;
import dev.cva.cli.CvaContext;
import dev.cva.cli.CvaException;
import dev.cva.cli.ExitCode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link Hosting} over the Firebase Hosting REST API v1beta1 with java.net.http. Production uses Application Default
 * Credentials (scope cloud-platform; their quota project header too); an explicit endpoint ({@code gcp.hostingEndpoint}:
 * tests, a recording proxy) is called without credentials.
 */
public final class HostingRest implements Hosting {
    public static final String API = "https://firebasehosting.googleapis.com";
    private static final ObjectMapper JSON = CvaContext.json();

    private final String base;
    private final Function<URI, Map<String, List<String>>> auth;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    HostingRest(String base, Function<URI, Map<String, List<String>>> auth) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.auth = auth;
    }

    /** The API at {@code endpoint} without credentials, or (endpoint null or blank) Google's with ADC. */
    public static HostingRest create(String endpoint) {
        if (endpoint != null && !endpoint.isBlank()) {
            return new HostingRest(endpoint, uri -> Map.of());
        }
        GoogleCredentials credentials;
        try {
            credentials = GoogleCredentials.getApplicationDefault()
                    .createScoped(List.of("https://www.googleapis.com/auth/cloud-platform"));
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "no Google credentials: " + e.getMessage(),
                    "run 'gcloud auth application-default login' or set GOOGLE_APPLICATION_CREDENTIALS");
        }
        return new HostingRest(API, uri -> {
            try {
                return credentials.getRequestMetadata(uri);
            } catch (IOException e) {
                throw new CvaException(
                        ExitCode.FAILURE,
                        "cannot get a Google access token: " + e.getMessage(),
                        "run 'gcloud auth application-default login'",
                        e);
            }
        });
    }

    @Override
    public Site site(String project, String site) {
        JsonNode s = call(
                "GET",
                base + "/v1beta1/projects/" + project + "/sites/" + site,
                null,
                "the Firebase Hosting site '" + site + "' of project " + project);
        return new Site(s.path("name").asText(), s.path("defaultUrl").asText("https://" + site + ".web.app"));
    }

    @Override
    public Optional<Release> liveRelease(String site) {
        // the live channel's own list: the site's list also holds the releases of preview channels
        JsonNode r = call(
                "GET",
                base + "/v1beta1/sites/" + site + "/channels/live/releases?pageSize=1",
                null,
                "the releases of " + site);
        JsonNode first = r.path("releases").path(0);
        return first.isMissingNode() ? Optional.empty() : Optional.of(release(first));
    }

    @Override
    public List<Release> liveReleases(String site, int max) {
        List<Release> out = new ArrayList<>();
        String token = null;
        do {
            JsonNode page = call(
                    "GET",
                    base + "/v1beta1/sites/" + site + "/channels/live/releases?pageSize=" + Math.min(100, max)
                            + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8)),
                    null,
                    "the releases of " + site);
            for (JsonNode r : page.path("releases")) {
                if (out.size() < max) {
                    out.add(release(r));
                }
            }
            token = page.path("nextPageToken").asText(null);
        } while (token != null && !token.isEmpty() && out.size() < max);
        return out;
    }

    @Override
    public Map<String, String> files(String versionName) {
        Map<String, String> out = new LinkedHashMap<>();
        String token = null;
        do {
            JsonNode page = call(
                    "GET",
                    base + "/v1beta1/" + versionName + "/files?pageSize=1000"
                            + (token == null ? "" : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8)),
                    null,
                    "the files of " + versionName);
            for (JsonNode f : page.path("files")) {
                out.put(f.path("path").asText(), f.path("hash").asText());
            }
            token = page.path("nextPageToken").asText(null);
        } while (token != null && !token.isEmpty());
        return out;
    }

    @Override
    public Version createVersion(String site, Map<String, Object> config, Map<String, String> labels) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("config", config);
        body.put("labels", labels);
        return version(call("POST", base + "/v1beta1/sites/" + site + "/versions", body, "a new version of " + site));
    }

    @Override
    public Populated populateFiles(String versionName, Map<String, String> files) {
        JsonNode r = call(
                "POST",
                base + "/v1beta1/" + versionName + ":populateFiles",
                Map.of("files", files),
                "the file list of " + versionName);
        List<String> required = new ArrayList<>();
        r.path("uploadRequiredHashes").forEach(h -> required.add(h.asText()));
        return new Populated(required, r.path("uploadUrl").asText(null));
    }

    @Override
    public void upload(String uploadUrl, String hash, byte[] gzipped) {
        HttpRequest.Builder b = request(uploadUrl + "/" + hash)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped));
        send(b, "POST", uploadUrl + "/" + hash, "the upload of file " + hash);
    }

    @Override
    public Version finalizeVersion(String versionName) {
        return version(call(
                "PATCH",
                base + "/v1beta1/" + versionName + "?updateMask=status",
                Map.of("status", "FINALIZED"),
                "finalizing " + versionName));
    }

    @Override
    public Release release(String site, String versionName) {
        return release(call(
                "POST",
                base + "/v1beta1/sites/" + site + "/releases?versionName="
                        + URLEncoder.encode(versionName, StandardCharsets.UTF_8),
                Map.of(),
                "the release of " + versionName));
    }

    @Override
    public int status(String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(15))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException | IllegalArgumentException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static Release release(JsonNode r) {
        JsonNode v = r.path("version");
        return new Release(
                r.path("name").asText(),
                r.path("type").asText(null),
                r.path("releaseTime").asText(null),
                v.isMissingNode() || v.path("name").asText("").isEmpty() ? null : version(v));
    }

    private static Version version(JsonNode v) {
        Map<String, String> labels = new LinkedHashMap<>();
        v.path("labels")
                .fields()
                .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return new Version(
                v.path("name").asText(),
                v.path("status").asText(null),
                labels,
                v.path("createTime").asText(null));
    }

    private HttpRequest.Builder request(String url) {
        URI uri = URI.create(url);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60));
        auth.apply(uri).forEach((name, values) -> values.forEach(value -> b.header(name, value)));
        return b;
    }

    private JsonNode call(String method, String url, Object body, String what) {
        HttpRequest.Builder b = request(url);
        try {
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String answer = send(b, method, url, what);
        try {
            return answer.isBlank() ? JSON.createObjectNode() : JSON.readTree(answer);
        } catch (IOException e) {
            throw new CvaException(ExitCode.FAILURE, "Firebase Hosting answered unreadable JSON for " + what, null, e);
        }
    }

    private String send(HttpRequest.Builder b, String method, String url, String what) {
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CvaException(
                    ExitCode.FAILURE,
                    "cannot reach Firebase Hosting (" + method + " " + url + "): " + e.getMessage(),
                    null,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CvaException(ExitCode.INTERRUPTED, "interrupted", null, e);
        }
        if (r.statusCode() / 100 == 2) {
            return r.body();
        }
        String message = r.body();
        try {
            message = JSON.readTree(r.body()).path("error").path("message").asText(r.body());
        } catch (IOException ignored) {
            // not JSON: the raw body
        }
        message = message.length() > 300 ? message.substring(0, 300) + "…" : message;
        if (r.statusCode() == 404) {
            throw new CvaException(
                    ExitCode.USAGE,
                    "Firebase Hosting has no " + what + " (404: " + message + ")",
                    "check gcp.hostingSite and gcp.project in cva.yaml (the Terraform creates the site)");
        }
        throw new CvaException(
                ExitCode.FAILURE,
                "Firebase Hosting refused " + what + " (" + r.statusCode() + ": " + message + ")",
                r.statusCode() == 401 || r.statusCode() == 403
                        ? "check the credentials: the caller needs roles/firebasehosting.admin on the project"
                        : null);
    }
}
