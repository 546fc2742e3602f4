public class Labels {
    public static String label(String n, String s, String c, String z, String k) {
        String r = "";
        r = r + n.toUpperCase() + "\n";
        r = r + s + "\n";
        if (k.equals("US")) {
            r = r + c + ", " + z + "\n";
        } else if (k.equals("DE")) {
            r = r + z + " " + c + "\n";
        } else if (k.equals("FR")) {
            r = r + z + " " + c + "\n";
        } else {
            r = r + c + " " + z + "\n";
        }
        r = r + k;
        return r;
    }
}
