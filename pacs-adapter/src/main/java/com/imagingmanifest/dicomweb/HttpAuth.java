package com.imagingmanifest.dicomweb;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** How requests authenticate: not at all, HTTP Basic (RFC 7617) or a bearer token (RFC 6750). */
public sealed interface HttpAuth {

    /** The Authorization header value, if any. */
    Optional<String> authorization();

    static HttpAuth none() {
        return new None();
    }

    static HttpAuth basic(String username, String password) {
        return new Basic(username, password);
    }

    /** A bearer token read on every request, so a rotating token source can be plugged in. */
    static HttpAuth bearer(Supplier<String> token) {
        return new Bearer(token);
    }

    record None() implements HttpAuth {
        @Override
        public Optional<String> authorization() {
            return Optional.empty();
        }
    }

    record Basic(String username, String password) implements HttpAuth {
        public Basic {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public Optional<String> authorization() {
            byte[] pair = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair));
        }

        @Override
        public String toString() {
            return "Basic[" + username + "]"; // never the password
        }
    }

    record Bearer(Supplier<String> token) implements HttpAuth {
        @Override
        public Optional<String> authorization() {
            return Optional.of("Bearer " + token.get());
        }

        @Override
        public String toString() {
            return "Bearer[...]";
        }
    }
}
