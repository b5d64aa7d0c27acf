package io.tokentally.shared;

import java.net.URI;

/** Settings that name an HTTP endpoint: refused at start-up, naming the setting, unless they can be called. */
public final class HttpUrls {

    private HttpUrls() {}

    /**
     * {@code url} as given, refused naming {@code property} unless it is an http or https URL with a host; an absent or
     * empty one (none) is taken as it is.
     */
    public static URI requireHttp(String property, URI url) {
        if (url == null || url.toString().isBlank()) {
            return url;
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException(
                    property + " must be an http or https URL with a host, not '" + url + "'");
        }
        return url;
    }
}
