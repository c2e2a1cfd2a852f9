package dev.cva.cli.deploy.hosting;

import dev.cva.cli.CvaException;
import dev.cva.cli.deploy.DeployPlan;
import dev.cva.cli.deploy.DeployTarget;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A static site on Firebase Hosting as a {@link DeployTarget}, so {@code cva status} and {@code cva rollback} treat
 * the dashboard like the other services: a revision is a Hosting version (its id, and the version, git sha and dirty
 * flag {@code cva deploy dashboard} put in its labels), the live one is what the live channel's newest release serves,
 * and a rollback releases an earlier version again (instant: nothing is uploaded). Hosting serves one version at a
 * time, so there is no traffic split; publishing goes through {@link DashboardDeploy}.
 */
public final class HostingTarget implements DeployTarget {
    /** How far back the live channel's releases are read for the list of earlier versions. */
    static final int HISTORY = 100;

    private final Hosting hosting;
    private final String site;

    public HostingTarget(Hosting hosting, String site) {
        this.hosting = hosting;
        this.site = site;
    }

    @Override
    public Optional<Deployed> current(String service) {
        return hosting.liveRelease(site)
                .filter(r -> r.version() != null)
                .map(r -> new Deployed(
                        service,
                        revision(r.version(), r.releaseTime()),
                        Map.of(r.version().id(), 100)));
    }

    /** The versions the live channel has served, newest version first (by creation; the release time as the time). */
    @Override
    public List<Revision> revisions(String service) {
        Map<String, Revision> byId = new LinkedHashMap<>();
        Map<String, String> created = new LinkedHashMap<>();
        for (Hosting.Release r : hosting.liveReleases(site, HISTORY)) {
            Hosting.Version v = r.version();
            if (v != null && !byId.containsKey(v.id())) {
                byId.put(v.id(), revision(v, r.releaseTime()));
                created.put(v.id(), v.createTime() == null ? r.releaseTime() : v.createTime());
            }
        }
        List<Revision> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparing(
                (Revision r) -> instant(created.get(r.id())), Comparator.nullsLast(Comparator.reverseOrder())));
        return out;
    }

    @Override
    public Revision deploy(DeployPlan plan, Progress progress) {
        throw CvaException.usage("the dashboard is published with 'cva deploy dashboard'", null);
    }

    /** One version takes all traffic: a new release of it on the live channel. */
    @Override
    public void shiftTraffic(String service, Map<String, Integer> weights) {
        if (weights.size() != 1 || weights.values().iterator().next() != 100) {
            throw CvaException.usage(
                    "Firebase Hosting serves one version at a time: no traffic split (no canary) for " + service, null);
        }
        hosting.release(
                site,
                "sites/" + site + "/versions/" + weights.keySet().iterator().next());
    }

    @Override
    public SmokeResult smoke(String service, Revision revision) {
        String url = "https://" + site + ".web.app/";
        int status = hosting.status(url);
        return status == 200
                ? SmokeResult.passed("GET " + url + " = 200")
                : SmokeResult.failed("GET " + url + " = " + (status < 0 ? "no answer" : status));
    }

    private static Revision revision(Hosting.Version v, String releaseTime) {
        String version = v.labels().get("cva-version");
        String dirty = v.labels().get("cva-dirty");
        return new Revision(
                v.id(),
                version == null ? null : version.replace('_', '.'),
                v.labels().get("cva-git-sha"),
                dirty == null ? null : Boolean.valueOf(dirty),
                null,
                instant(releaseTime));
    }

    private static Instant instant(String rfc3339) {
        if (rfc3339 == null || rfc3339.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(rfc3339);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
