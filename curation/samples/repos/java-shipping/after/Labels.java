import java.util.Set;

public class Labels {
    private static final Set<String> POSTCODE_FIRST = Set.of("DE", "FR");

    static String cityLine(String city, String postcode, String country) {
        if (country.equals("US")) {
            return city + ", " + postcode;
        }
        if (POSTCODE_FIRST.contains(country)) {
            return postcode + " " + city;
        }
        return city + " " + postcode;
    }

    public static String label(String name, String street, String city, String postcode, String country) {
        return new StringBuilder()
            .append(name.toUpperCase()).append('\n')
            .append(street).append('\n')
            .append(cityLine(city, postcode, country)).append('\n')
            .append(country)
            .toString();
    }
}
