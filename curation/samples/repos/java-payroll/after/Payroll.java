import java.util.List;

public class Payroll {
    private static final double REGULAR_HOURS = 40;
    private static final double OVERTIME_RATE = 1.5;
    private static final double BONUS = 200;

    public record Timesheet(double hours, double hourlyRate, boolean bonus) {}

    static double payFor(Timesheet sheet) {
        double regular = Math.min(sheet.hours(), REGULAR_HOURS);
        double overtime = Math.max(sheet.hours() - REGULAR_HOURS, 0);
        double pay = (regular + overtime * OVERTIME_RATE) * sheet.hourlyRate();
        return sheet.bonus() ? pay + BONUS : pay;
    }

    public static double total(List<Timesheet> sheets) {
        return sheets.stream().mapToDouble(Payroll::payFor).sum();
    }
}
