package dev.cva.cli.env;

/** Where the current environment came from, in the order they are asked. {@code id} is the --json value. */
public enum EnvironmentSource {
    FLAG("flag", "--env"),
    VARIABLE("variable", "CVA_ENV"),
    SELECTED("selected", "cva env use"),
    CONFIG("config", "defaultEnvironment in cva.yaml"),
    BUILT_IN("builtIn", "built-in default");

    private final String id;
    private final String label;

    EnvironmentSource(String id, String label) {
        this.id = id;
        this.label = label;
    }

    public String id() {
        return id;
    }

    public String label() {
        return label;
    }

    public static EnvironmentSource valueOfId(String id) {
        for (EnvironmentSource s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException(id);
    }

    /** True when the user chose it for this run or this checkout (not a default of the file or of cva). */
    public boolean chosen() {
        return this == FLAG || this == VARIABLE || this == SELECTED;
    }
}
