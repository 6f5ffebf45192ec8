package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.api.BundleInclusionRule;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum;
import ca.uhn.fhir.model.valueset.BundleTypeEnum;
import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.Delete;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Patch;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Since;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.BundleLinks;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.IVersionSpecificBundleFactory;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.UriAndListParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.util.UrlUtil;
import com.imagingmanifest.gateway.viewer.ViewerLinks;
import com.imagingmanifest.gateway.manifest.ManifestException;
import com.imagingmanifest.gateway.manifest.ManifestReads;
import com.imagingmanifest.gateway.manifest.ManifestWriter;
import com.imagingmanifest.gateway.store.SearchQuery;
import com.imagingmanifest.gateway.store.StoredVersion;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.web.RequestContexts;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonPatch;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.IdType;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.InstantType;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The ImagingManifest REST interactions of one tenant base (docs/architecture.md §2). Reads, searches
 * and history come from the store only, through {@link ManifestReads}; writes go through
 * {@link ManifestWriter}; the provider reaches the store through those two alone. Everything is scoped
 * to the request's organization: another organization's manifests behave as absent.
 */
final class ImagingManifestProvider implements IResourceProvider {
    private static final String RESOURCE = "ImagingManifest";
    static final String TOTAL = "_total";

    private final ManifestReads reads;
    private final ManifestWriter writer;
    private final FhirContext fhir;
    private final Clock clock;
    private final PageLinks pageLinks;
    private final ViewerLinks links;

    ImagingManifestProvider(ManifestReads reads, ManifestWriter writer, FhirContext fhir,
            Clock clock, PageLinks pageLinks, ViewerLinks links) {
        this.reads = reads;
        this.links = links;
        this.writer = writer;
        this.fhir = fhir;
        this.clock = clock;
        this.pageLinks = pageLinks;
    }

    @Override
    public Class<ImagingManifest> getResourceType() {
        return ImagingManifest.class;
    }

    @Read(version = true)
    public ImagingManifest read(@IdParam IdType id, RequestDetails request) {
        Tenant tenant = tenant(request);
        return toResource(tenant, reads.read(tenant.id(), id.getIdPart(),
                id.hasVersionIdPart() ? id.getVersionIdPart() : null));
    }

    @Create
    public MethodOutcome create(@ResourceParam ImagingManifest manifest, @ConditionalUrlParam String conditional,
            RequestDetails request) {
        Tenant tenant = tenant(request);
        if (conditional != null) {
            // FHIR http 2.21.0.1 (conditional create): If-None-Exist holds a search query
            int query = conditional.indexOf('?');
            Map<String, String[]> parameters = UrlUtil.parseQueryString(
                    query < 0 ? conditional : conditional.substring(query + 1));
            ManifestWriter.ConditionalCreate outcome = writer.createIfNoneExist(tenant, manifest,
                    ManifestSearchParameters.conditionKey(parameters),
                    () -> reads.onlyMatch(tenant.id(), ManifestSearchParameters.toQuery(parameters, clock.millis())));
            return new MethodOutcome(versionedId(outcome.version())).setCreated(outcome.created())
                    .setResource(toResource(tenant, outcome.version()));
        }
        StoredVersion created = writer.create(tenant, manifest);
        return new MethodOutcome(versionedId(created)).setCreated(true).setResource(toResource(tenant, created));
    }

    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam ImagingManifest manifest, RequestDetails request) {
        Tenant tenant = tenant(request);
        if (!manifest.getIdElement().hasIdPart() || !id.getIdPart().equals(manifest.getIdElement().getIdPart())) {
            throw new InvalidRequestException("The resource id (" + manifest.getIdElement().getIdPart()
                    + ") must match the id in the URL (" + id.getIdPart() + ")");
        }
        StoredVersion current = existing(tenant, id);
        checkIfMatch(request, current);
        StoredVersion updated = conditional(request, () -> writer.update(tenant, current, manifest));
        return new MethodOutcome(versionedId(updated)).setCreated(false).setResource(toResource(tenant, updated));
    }

    @Patch
    public MethodOutcome patch(@IdParam IdType id, PatchTypeEnum type, @ResourceParam String body,
            RequestDetails request) {
        JsonPatch patch = JsonPatches.parse(type, body);
        return patchWith(id, request, (tenant, current) -> {
            JsonObject patched = JsonPatches.apply(patch, current.json());
            try {
                return fhir.newJsonParser().parseResource(ImagingManifest.class, patched.toString());
            } catch (RuntimeException e) {
                // DataFormatException, and whatever else the parser throws on hostile structure (nesting limits)
                throw new UnprocessableEntityException("The patched resource is not a valid ImagingManifest: "
                        + e.getMessage());
            }
        });
    }

    /**
     * A patch of the current version, in whichever form {@code patched} reads it (the STU3 JSON here,
     * the R5 view in {@link ImagingSelectionProvider}): If-Match, then one update of that version.
     */
    MethodOutcome patchWith(IdType id, RequestDetails request,
            java.util.function.BiFunction<Tenant, StoredVersion, ImagingManifest> patched) {
        Tenant tenant = tenant(request);
        StoredVersion current = reads.live(tenant.id(), id.getIdPart());
        checkIfMatch(request, current);
        ImagingManifest manifest = patched.apply(tenant, current);
        if (!id.getIdPart().equals(manifest.getIdElement().getIdPart())) {
            throw new UnprocessableEntityException("A patch must not change the resource id");
        }
        StoredVersion updated = conditional(request, () -> writer.update(tenant, current, manifest));
        return new MethodOutcome(versionedId(updated)).setCreated(false).setResource(toResource(tenant, updated));
    }

    @Delete
    public MethodOutcome delete(@IdParam IdType id, RequestDetails request) {
        Tenant tenant = tenant(request);
        StoredVersion current = existing(tenant, id);
        checkIfMatch(request, current);
        if (current.deleted()) {
            return new MethodOutcome(versionedId(current)); // deleting again changes nothing (FHIR http 2.21.0.6)
        }
        return new MethodOutcome(versionedId(conditional(request, () -> writer.delete(tenant, current))));
    }

    @History
    public Bundle instanceHistory(@IdParam IdType id, @Since InstantType since, RequestDetails request) {
        Tenant tenant = tenant(request);
        existing(tenant, id);
        return history(tenant, id.getIdPart(), since, request);
    }

    @History
    public Bundle typeHistory(@Since InstantType since, RequestDetails request) {
        return history(tenant(request), null, since, request);
    }

    /**
     * Parameters are declared for HAPI's routing and CapabilityStatement; all are read from the
     * request. One page per request, read from the store by key (docs/performance.md).
     */
    @Search(allowUnknownParams = true)
    public Bundle search(RequestDetails request,
            @OptionalParam(name = "_id") TokenAndListParam ids,
            @OptionalParam(name = "_language") TokenAndListParam language,
            @OptionalParam(name = "author") ReferenceAndListParam author,
            @OptionalParam(name = "authoring-time") DateAndListParam authoringTime,
            @OptionalParam(name = "endpoint") ReferenceAndListParam endpoint,
            @OptionalParam(name = "identifier") TokenAndListParam identifier,
            @OptionalParam(name = "imaging-study") ReferenceAndListParam imagingStudy,
            @OptionalParam(name = "patient", chainWhitelist = {"", "identifier"}) ReferenceAndListParam patient,
            @OptionalParam(name = "selected-study") UriAndListParam selectedStudy,
            @OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated,
            @Sort SortSpec sort,
            @Count Integer count) {
        Tenant tenant = tenant(request);
        PageLinks.Cursor cursor = cursor(request, tenant, "search", null, () -> {
            Map<String, List<String>> criteria = new LinkedHashMap<>();
            request.getParameters().forEach((name, values) -> {
                if (!PRESENTATION.contains(name) && !PAGING.contains(name)) {
                    criteria.put(name, List.of(values));
                }
            });
            return criteria;
        }, null);
        Map<String, String[]> criteria = new LinkedHashMap<>();
        cursor.parameters().forEach((name, values) -> criteria.put(name, values.toArray(String[]::new)));
        SearchQuery query = ManifestSearchParameters.toQuery(criteria, cursor.now());
        ManifestReads.Page page = reads.search(tenant.id(), query, cursor.after(), cursor.count(), cursor.total());
        List<IBaseResource> resources = page.versions().stream().map(v -> (IBaseResource) toResource(tenant, v))
                .toList();
        return bundle(request, BundleTypeEnum.SEARCHSET, RESOURCE, resources, cursor, page);
    }

    private Bundle history(Tenant tenant, String id, InstantType since, RequestDetails request) {
        PageLinks.Cursor cursor = cursor(request, tenant, "history", id, Map::of,
                since == null ? null : since.getValue().getTime());
        Instant from = cursor.since() == null ? null : Instant.ofEpochMilli(cursor.since());
        ManifestReads.Page page = reads.history(tenant.id(), id, from, cursor.after(), cursor.count(),
                cursor.total());
        List<IBaseResource> resources = page.versions().stream().map(v -> historyEntry(tenant, v)).toList();
        return bundle(request, BundleTypeEnum.HISTORY, RESOURCE + (id == null ? "" : "/" + id) + "/_history",
                resources, cursor, page);
    }

    /** Presentation parameters HAPI applies to the response; kept in next links beside the cursor. */
    private static final List<String> PRESENTATION = List.of(Constants.PARAM_FORMAT, Constants.PARAM_PRETTY,
            Constants.PARAM_SUMMARY, Constants.PARAM_ELEMENTS);
    /** Parameters of the paging itself, not search criteria. */
    private static final List<String> PAGING = List.of(Constants.PARAM_COUNT, TOTAL, PageLinks.PARAMETER);

    /**
     * The page a request asks for: the first, with the request's criteria, or the one its
     * {@code _cursor} continues (which then carries every criterion; only the page size and
     * presentation may be given beside it).
     */
    private PageLinks.Cursor cursor(RequestDetails request, Tenant tenant, String kind, String id,
            Supplier<Map<String, List<String>>> criteria, Long since) {
        Map<String, String[]> parameters = request.getParameters();
        if (parameters.containsKey(Constants.PARAM_OFFSET)) {
            throw new InvalidRequestException("_offset is not supported: follow the Bundle's next link");
        }
        Integer count = pageSize(parameters);
        String[] token = parameters.get(PageLinks.PARAMETER);
        if (token == null) {
            return new PageLinks.Cursor(kind, tenant.id(), id, since, criteria.get(), clock.millis(),
                    count == null ? FhirServerConfiguration.DEFAULT_PAGE_SIZE : count, totalAsked(parameters),
                    null, 0);
        }
        for (String name : parameters.keySet()) {
            if (!PRESENTATION.contains(name) && !PAGING.contains(name)) {
                throw new InvalidRequestException("A page link carries its search: '" + name
                        + "' cannot be given beside " + PageLinks.PARAMETER);
            }
        }
        if (token.length != 1) {
            throw new InvalidRequestException("One " + PageLinks.PARAMETER + " per request");
        }
        PageLinks.Cursor c = pageLinks.verify(token[0], tenant.id(), kind, id);
        return count == null ? c : new PageLinks.Cursor(c.kind(), c.organization(), c.id(), c.since(), c.parameters(),
                c.now(), count, c.total(), c.after(), c.expires());
    }

    /** {@code _total=accurate} (FHIR R4, honoured here too) counts every match; otherwise no count is made. */
    private static boolean totalAsked(Map<String, String[]> parameters) {
        String[] total = parameters.get(TOTAL);
        if (total == null || total.length == 0) {
            return false;
        }
        return switch (total[0]) {
            case "accurate" -> true;
            case "none", "estimate" -> false;
            default -> throw new InvalidRequestException("_total must be none, estimate or accurate");
        };
    }

    /** {@code _count}, capped at {@link FhirServerConfiguration#MAX_PAGE_SIZE}; null when not given. */
    private static Integer pageSize(Map<String, String[]> parameters) {
        String[] count = parameters.get(Constants.PARAM_COUNT);
        if (count == null || count.length == 0 || count[0].isEmpty()) {
            return null;
        }
        if (!count[0].matches("\\d{1,9}")) {
            throw new InvalidRequestException("_count must be a non-negative integer, not '" + count[0] + "'");
        }
        return Math.min(Integer.parseInt(count[0]), FhirServerConfiguration.MAX_PAGE_SIZE);
    }

    /**
     * The Bundle of one page, with a next link only when another row follows (the store read one
     * more than the page). {@code Bundle.total} only when it is known without counting every match:
     * asked for with {@code _total=accurate}, or a first page that is also the last.
     */
    private Bundle bundle(RequestDetails request, BundleTypeEnum type, String path, List<IBaseResource> resources,
            PageLinks.Cursor cursor, ManifestReads.Page page) {
        Integer total = page.total();
        if (total == null && cursor.after() == null && page.next() == null) {
            total = resources.size();
        }
        String base = request.getFhirServerBase();
        BundleLinks links = new BundleLinks(base, null,
                RestfulServerUtils.prettyPrintResponse(request.getServer(), request), type);
        links.setSelf(RestfulServerUtils.createLinkSelf(base, request));
        if (page.next() != null) {
            StringBuilder next = new StringBuilder(base).append('/').append(path).append('?')
                    .append(PageLinks.PARAMETER).append('=').append(pageLinks.sign(new PageLinks.Cursor(cursor.kind(),
                            cursor.organization(), cursor.id(), cursor.since(), cursor.parameters(), cursor.now(),
                            cursor.count(), cursor.total(), page.next(), 0)));
            for (String name : PRESENTATION) {
                String[] values = request.getParameters().get(name);
                for (String value : values == null ? new String[0] : values) {
                    next.append('&').append(name).append('=').append(UrlUtil.escapeUrlParam(value));
                }
            }
            links.setNext(next.toString());
        }
        IVersionSpecificBundleFactory factory = fhir.newBundleFactory();
        factory.addRootPropertiesToBundle(null, links, total, new InstantType(new Date()));
        factory.addResourcesToBundle(resources, type, base, BundleInclusionRule.BASED_ON_INCLUDES, Set.of());
        Bundle bundle = (Bundle) factory.getResourceBundle();
        if (total == null) {
            UnknownTotals.mark(bundle);
        }
        return bundle;
    }

    private IBaseResource historyEntry(Tenant tenant, StoredVersion version) {
        ImagingManifest resource;
        BundleEntryTransactionMethodEnum method;
        if (version.deleted()) {
            resource = new ImagingManifest();
            resource.setId(versionedId(version));
            resource.getMeta().setVersionId(Long.toString(version.versionId()))
                    .setLastUpdated(Date.from(version.lastUpdated()));
            method = BundleEntryTransactionMethodEnum.DELETE;
        } else {
            resource = toResource(tenant, version);
            method = version.versionId() == 1 ? BundleEntryTransactionMethodEnum.POST
                    : BundleEntryTransactionMethodEnum.PUT;
        }
        ResourceMetadataKeyEnum.ENTRY_TRANSACTION_METHOD.put(resource, method);
        return resource;
    }

    ImagingManifest toResource(Tenant tenant, StoredVersion version) {
        ImagingManifest manifest = fhir.newJsonParser().parseResource(ImagingManifest.class, version.json());
        manifest.setId(versionedId(version));
        links.add(manifest, tenant, version.resourceId());
        return manifest;
    }

    private StoredVersion existing(Tenant tenant, IdType id) {
        return reads.current(tenant.id(), id.getIdPart());
    }

    /** HAPI leaves If-Match to the provider (docs/architecture.md §2): 412 unless it names the current version. */
    private static void checkIfMatch(RequestDetails request, StoredVersion current) {
        String ifMatch = request.getHeader(Constants.HEADER_IF_MATCH);
        if (ifMatch == null || ifMatch.isBlank()) {
            return;
        }
        String tag = ifMatch.trim();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        tag = tag.replace("\"", "");
        if (!tag.equals(Long.toString(current.versionId()))) {
            throw new ManifestException.PreconditionFailed("If-Match " + ifMatch + " does not match the current version "
                    + current.versionId() + " of ImagingManifest/" + current.resourceId());
        }
    }

    /**
     * A write that lost a race: with If-Match the client named a version that is no longer (or will
     * not be) current, which FHIR answers with 412; without it the conflict stays a 409.
     */
    private static StoredVersion conditional(RequestDetails request, Supplier<StoredVersion> write) {
        try {
            return write.get();
        } catch (ManifestException.VersionConflict e) {
            String ifMatch = request.getHeader(Constants.HEADER_IF_MATCH);
            if (ifMatch == null || ifMatch.isBlank()) {
                throw e;
            }
            throw new ManifestException.PreconditionFailed("If-Match " + ifMatch + ": " + e.getMessage());
        }
    }

    private static IdType versionedId(StoredVersion version) {
        return new IdType(RESOURCE, version.resourceId(), Long.toString(version.versionId()));
    }

    /** The organization the edge resolved for this request (docs/architecture.md §2). */
    static Tenant tenant(RequestDetails request) {
        return RequestContexts.tenant(request);
    }
}
