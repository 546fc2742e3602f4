import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

public class ThumbnailCache {
    private static final int MAX_ENTRIES = 512;

    private final Map<String, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    public synchronized byte[] get(String key, Function<String, byte[]> render) {
        return cache.computeIfAbsent(key, render);
    }
}
