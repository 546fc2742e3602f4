import java.util.HashMap;
import java.util.Map;

public class ThumbnailCache {
    private final Map<String, byte[]> cache = new HashMap<>();

    public byte[] get(String key, java.util.function.Function<String, byte[]> render) {
        return cache.computeIfAbsent(key, render);
    }
}
