package dev.cva.cli.env;

/**
 * The environment one invocation works on and where that came from; {@code origin} says exactly where (the
 * flag, the variable, the file written by {@code cva env use}, cva.yaml's path, or "built-in").
 */
public record CurrentEnvironment(String name, EnvironmentSource source, String origin) {}
