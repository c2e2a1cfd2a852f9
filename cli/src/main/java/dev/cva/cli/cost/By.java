package dev.cva.cli.cost;

/** {@code --by}: how report rows are grouped. */
public enum By {
    service,
    product,
    cloud
}
