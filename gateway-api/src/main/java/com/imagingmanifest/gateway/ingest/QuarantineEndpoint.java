package com.imagingmanifest.gateway.ingest;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/quarantine}: the KOS ingestion could not parse or map, for operators. The list
 * carries no bytes; {@code /actuator/quarantine/{id}} adds the object as a base64 DICOM Part 10
 * file (decode it and run dcmdump); DELETE on it discards an item that has been dealt with.
 *
 * <p>Not exposed over HTTP by default: the objects hold patient data, so an operator adds
 * {@code quarantine} to {@code management.endpoints.web.exposure.include} on a management port or
 * behind the gateway's admin authentication.
 */
@Component
@Endpoint(id = "quarantine", defaultAccess = org.springframework.boot.actuate.endpoint.Access.READ_ONLY)
public class QuarantineEndpoint {
    static final int MAX_LISTED = 500;

    private final Quarantine quarantine;

    QuarantineEndpoint(Quarantine quarantine) {
        this.quarantine = quarantine;
    }

    /** The listed form of an item. */
    public record Summary(long id, String organization, String source, String sopInstanceUid, String reason,
            Instant received, long size) {
        static Summary of(Quarantine.Item item) {
            return new Summary(item.id(), item.organization(), item.source(), item.sopInstanceUid(), item.reason(),
                    item.received(), item.size());
        }
    }

    /** One item with its content. */
    public record Details(Summary item, String part10Base64) {
    }

    @ReadOperation
    public Map<String, Object> list() {
        List<Summary> items = quarantine.list(MAX_LISTED).stream().map(Summary::of).toList();
        return Map.of("items", items, "listedAtMost", MAX_LISTED);
    }

    /** Null (404) when there is no such item. */
    @ReadOperation
    public Details item(@Selector long id) {
        return quarantine.item(id).map(item -> new Details(Summary.of(item),
                Base64.getEncoder().encodeToString(quarantine.content(id).orElse(new byte[0])))).orElse(null);
    }

    @DeleteOperation
    public Map<String, Object> discard(@Selector long id) {
        return Map.of("id", id, "discarded", quarantine.remove(id));
    }
}
