package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntryTransactionMethodEnum;
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
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.UriAndListParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.UrlUtil;
import com.imagingmanifest.gateway.manifest.ManifestEndpoints;
import com.imagingmanifest.gateway.manifest.ManifestWriter;
import com.imagingmanifest.gateway.store.ManifestStore;
import com.imagingmanifest.gateway.store.StoredVersion;
import com.imagingmanifest.gateway.store.VersionKey;
import com.imagingmanifest.gateway.tenant.Tenant;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonPatch;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.hl7.fhir.dstu3.model.IdType;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.InstantType;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The ImagingManifest REST interactions of one tenant base (docs/architecture.md §2). Reads, searches
 * and history come from the store only; writes go through {@link ManifestWriter}. Everything is
 * scoped to the request's organization: another organization's manifests behave as absent.
 */
final class ImagingManifestProvider implements IResourceProvider {
    private static final String RESOURCE = "ImagingManifest";

    private final ManifestStore store;
    private final ManifestWriter writer;
    private final FhirContext fhir;
    private final Clock clock;

    ImagingManifestProvider(ManifestStore store, ManifestWriter writer, FhirContext fhir, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.fhir = fhir;
        this.clock = clock;
    }

    @Override
    public Class<ImagingManifest> getResourceType() {
        return ImagingManifest.class;
    }

    @Read(version = true)
    public ImagingManifest read(@IdParam IdType id, RequestDetails request) {
        Tenant tenant = tenant(request);
        StoredVersion version;
        if (id.hasVersionIdPart()) {
            version = store.version(tenant.id(), id.getIdPart(), versionNumber(id.getVersionIdPart()))
                    .orElseThrow(() -> new ResourceNotFoundException(id));
        } else {
            version = existing(tenant, id);
        }
        if (version.deleted()) {
            throw new ResourceGoneException("ImagingManifest/" + id.getIdPart() + " was deleted (version "
                    + version.versionId() + ")");
        }
        return toResource(tenant, version);
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
            List<VersionKey> matches = store.search(tenant.id(),
                    ManifestSearchParameters.toQuery(parameters, clock.millis()));
            if (matches.size() > 1) {
                throw new PreconditionFailedException("If-None-Exist matched " + matches.size()
                        + " manifests; it must match at most one");
            }
            if (matches.size() == 1) {
                StoredVersion existing = store.load(tenant.id(), matches).get(0);
                return new MethodOutcome(versionedId(existing)).setCreated(false)
                        .setResource(toResource(tenant, existing));
            }
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
        Tenant tenant = tenant(request);
        if (type != PatchTypeEnum.JSON_PATCH) {
            throw new InvalidRequestException("Only JSON Patch (application/json-patch+json) is supported");
        }
        JsonPatch patch = JsonPatches.parse(body);
        StoredVersion current = existing(tenant, id);
        if (current.deleted()) {
            throw new ResourceGoneException("ImagingManifest/" + id.getIdPart() + " was deleted");
        }
        checkIfMatch(request, current);
        JsonObject patched;
        try {
            JsonObject resource = Json.createReader(new StringReader(current.json())).readObject();
            JsonValue result = patch.apply(resource);
            patched = result.asJsonObject();
        } catch (JsonException | ClassCastException e) {
            throw new UnprocessableEntityException("The JSON Patch cannot be applied: " + e.getMessage());
        }
        ImagingManifest manifest;
        try {
            manifest = fhir.newJsonParser().parseResource(ImagingManifest.class, patched.toString());
        } catch (RuntimeException e) {
            // DataFormatException, and whatever else the parser throws on hostile structure (nesting limits)
            throw new UnprocessableEntityException("The patched resource is not a valid ImagingManifest: "
                    + e.getMessage());
        }
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
    public IBundleProvider instanceHistory(@IdParam IdType id, @Since InstantType since, RequestDetails request) {
        Tenant tenant = tenant(request);
        existing(tenant, id);
        return history(tenant, id.getIdPart(), since, request);
    }

    @History
    public IBundleProvider typeHistory(@Since InstantType since, RequestDetails request) {
        return history(tenant(request), null, since, request);
    }

    /** Parameters are declared for HAPI's routing and CapabilityStatement; all are read from the request. */
    @Search(allowUnknownParams = true)
    public IBundleProvider search(RequestDetails request,
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
        List<VersionKey> keys = store.search(tenant.id(),
                ManifestSearchParameters.toQuery(request.getParameters(), clock.millis()));
        return new StoredBundleProvider(store, tenant.id(), keys, v -> toResource(tenant, v));
    }

    private IBundleProvider history(Tenant tenant, String id, InstantType since, RequestDetails request) {
        String[] count = request.getParameters().get(Constants.PARAM_COUNT);
        if (count != null && count.length > 0 && !count[0].isEmpty() && !count[0].matches("\\d{1,9}")) {
            throw new InvalidRequestException("_count must be a non-negative integer");
        }
        List<VersionKey> keys = store.history(tenant.id(), id, since == null ? null : since.getValue().toInstant());
        return new StoredBundleProvider(store, tenant.id(), keys, v -> historyEntry(tenant, v), offset(request));
    }

    private static int offset(RequestDetails request) {
        String[] offset = request.getParameters().get(Constants.PARAM_OFFSET);
        if (offset == null || offset.length == 0) {
            return 0;
        }
        try {
            int value = Integer.parseInt(offset[0]);
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidRequestException("_offset must be a non-negative integer");
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

    private ImagingManifest toResource(Tenant tenant, StoredVersion version) {
        ImagingManifest manifest = fhir.newJsonParser().parseResource(ImagingManifest.class, version.json());
        manifest.setId(versionedId(version));
        ManifestEndpoints.addDicomWeb(manifest, tenant.pacs().viewerDicomwebUrl());
        return manifest;
    }

    private StoredVersion existing(Tenant tenant, IdType id) {
        return store.current(tenant.id(), id.getIdPart()).orElseThrow(() -> new ResourceNotFoundException(
                new IdType(RESOURCE, id.getIdPart())));
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
            throw new PreconditionFailedException("If-Match " + ifMatch + " does not match the current version "
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
        } catch (ResourceVersionConflictException e) {
            String ifMatch = request.getHeader(Constants.HEADER_IF_MATCH);
            if (ifMatch == null || ifMatch.isBlank()) {
                throw e;
            }
            throw new PreconditionFailedException("If-Match " + ifMatch + ": " + e.getMessage());
        }
    }

    private static long versionNumber(String versionId) {
        try {
            return Long.parseLong(versionId);
        } catch (NumberFormatException e) {
            throw new ResourceNotFoundException("No version " + versionId);
        }
    }

    private static IdType versionedId(StoredVersion version) {
        return new IdType(RESOURCE, version.resourceId(), Long.toString(version.versionId()));
    }

    static Tenant tenant(RequestDetails request) {
        Object tenant = ((ServletRequestDetails) request).getServletRequest()
                .getAttribute(TenantRequestFilter.TENANT_ATTRIBUTE);
        if (!(tenant instanceof Tenant t)) {
            throw new IllegalStateException("request did not pass the tenant filter");
        }
        return t;
    }
}
