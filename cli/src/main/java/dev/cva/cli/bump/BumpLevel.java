package dev.cva.cli.bump;

/** How far a release moves a version, in increasing order; {@link #NONE} means nothing to release. */
public enum BumpLevel {
    NONE,
    PATCH,
    MINOR,
    MAJOR;

    public static BumpLevel max(BumpLevel a, BumpLevel b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Lower-case name as used on the command line and in JSON ("minor"). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
