public class Shipping {
    private static final double DOMESTIC_BASE = 5;
    private static final double INTERNATIONAL_BASE = 15;

    /** Shipping cost of a parcel; zero for an empty or invalid weight. */
    public static double cost(double weightKg, String country, boolean priority) {
        if (weightKg <= 0) {
            return 0;
        }
        boolean domestic = country.equals("US");
        double base = domestic ? DOMESTIC_BASE : INTERNATIONAL_BASE;
        return base + weightKg * ratePerKg(domestic, priority);
    }

    private static double ratePerKg(boolean domestic, boolean priority) {
        double rate = domestic ? 1.0 : 2.0;
        return priority ? rate * 1.5 : rate;
    }
}
