package dev.cva.reporter;

import java.util.List;

/** Reads the analytics records of one week (the {@code week-index} GSI). */
public interface AnalyticsReader {
    /** Every record of {@code week}, across all pages. @throws ReportException when the store fails */
    List<ReportRow> week(IsoWeek week);
}
