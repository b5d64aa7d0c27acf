package io.tokentally.shared;

import java.net.URI;
import java.net.URISyntaxException;

/** Settings that name an HTTP endpoint: refused at start-up, naming the setting, unless they can be called. */
public final class HttpUrls {

    private HttpUrls() {}

    /**
     * {@code url}, refused naming {@code property} unless it is an http or https URL with a host (a host name with an
     * underscore too, such as a Compose service's {@code minio_1}, which {@link URI#getHost} does not parse); an absent
     * or empty one is none: null.
     */
    public static URI requireHttp(String property, URI url) {
        if (url == null || url.toString().isBlank()) {
            return null;
        }
        String authority = url.getRawAuthority();
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                || authority == null
                || authority.isBlank()) {
            throw new IllegalArgumentException(
                    property + " must be an http or https URL with a host, not '" + url + "'");
        }
        return url;
    }

    /** As {@link #requireHttp(String, URI)}, of a setting kept as text: text that is no URI is refused too. */
    public static String requireHttp(String property, String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            requireHttp(property, new URI(url));
            return url;
        } catch (URISyntaxException e) { // its reason is said here, with the setting
            throw new IllegalArgumentException(
                    property + " must be an http or https URL with a host, not '" + url + "': " + e.getReason());
        }
    }
}
