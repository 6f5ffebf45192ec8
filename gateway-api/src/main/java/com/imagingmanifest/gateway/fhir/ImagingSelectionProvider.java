package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
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
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.imagingmanifest.kos.ImagingSelections;
import com.imagingmanifest.kos.ManifestValidationException;
import jakarta.json.JsonPatch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.r5.model.Bundle;
import org.hl7.fhir.r5.model.IdType;
import org.hl7.fhir.r5.model.ImagingSelection;
import org.hl7.fhir.r5.model.InstantType;

/**
 * The R5 ImagingSelection base of one organization: the same manifests as the STU3 base, in the other
 * shape (docs/mapping.md, "R5 ImagingSelection"). Every interaction is the STU3 one of
 * {@link ImagingManifestProvider} (same store, writer, ids, versions, paging and If-Match rules), with
 * the resource translated by {@link ImagingSelections} on the way in and out; there is no second write
 * path.
 */
final class ImagingSelectionProvider implements IResourceProvider {
    static final String RESOURCE = "ImagingSelection";
    private static final String STU3_RESOURCE = "ImagingManifest";

    /** R5 search parameter name to the STU3 one that searches the same index (docs/mapping.md). */
    private static final Map<String, String> PARAMETERS = Map.ofEntries(
            Map.entry("patient", "patient"),
            Map.entry("patient.identifier", "patient.identifier"),
            Map.entry("subject", "patient"),
            Map.entry("subject.identifier", "patient.identifier"),
            Map.entry("identifier", "identifier"),
            Map.entry("study-uid", "selected-study"),
            Map.entry("code", "code"),
            Map.entry("issued", "authoring-time"),
            Map.entry("derived-from", "imaging-study"),
            Map.entry("_id", "_id"),
            Map.entry("_lastUpdated", "_lastUpdated"));

    private final ImagingManifestProvider stu3;
    private final FhirContext r5;

    ImagingSelectionProvider(ImagingManifestProvider stu3, FhirContext r5) {
        this.stu3 = stu3;
        this.r5 = r5;
    }

    @Override
    public Class<ImagingSelection> getResourceType() {
        return ImagingSelection.class;
    }

    @Read(version = true)
    public ImagingSelection read(@IdParam IdType id, RequestDetails request) {
        return ImagingSelections.toSelection(stu3.read(stu3Id(id), request));
    }

    @Create
    public MethodOutcome create(@ResourceParam ImagingSelection selection, @ConditionalUrlParam String conditional,
            RequestDetails request) {
        String condition = conditional == null ? null : translateQuery(conditional);
        return outcome(stu3.create(manifest(selection), condition, request));
    }

    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam ImagingSelection selection,
            RequestDetails request) {
        if (!selection.getIdElement().hasIdPart() || !id.getIdPart().equals(selection.getIdElement().getIdPart())) {
            throw new InvalidRequestException("The resource id (" + selection.getIdElement().getIdPart()
                    + ") must match the id in the URL (" + id.getIdPart() + ")");
        }
        return outcome(stu3.update(stu3Id(id), manifest(selection), request));
    }

    /** JSON Patch of the R5 resource as this base serves it; the result is written as an update. */
    @Patch
    public MethodOutcome patch(@IdParam IdType id, PatchTypeEnum type, @ResourceParam String body,
            RequestDetails request) {
        JsonPatch patch = JsonPatches.parse(type, body);
        return outcome(stu3.patchWith(stu3Id(id), request, (tenant, current) -> {
            String served = r5.newJsonParser().encodeResourceToString(
                    ImagingSelections.toSelection(stu3.toResource(tenant, current)));
            String patched = JsonPatches.apply(patch, served).toString();
            ImagingSelection selection;
            try {
                selection = r5.newJsonParser().parseResource(ImagingSelection.class, patched);
            } catch (RuntimeException e) {
                throw new UnprocessableEntityException("The patched resource is not a valid ImagingSelection: "
                        + e.getMessage());
            }
            return manifest(selection);
        }));
    }

    @Delete
    public MethodOutcome delete(@IdParam IdType id, RequestDetails request) {
        return outcome(stu3.delete(stu3Id(id), request));
    }

    @History
    public Bundle instanceHistory(@IdParam IdType id, @Since InstantType since, RequestDetails request) {
        return bundle(stu3.instanceHistory(stu3Id(id), stu3Since(since), request));
    }

    @History
    public Bundle typeHistory(@Since InstantType since, RequestDetails request) {
        return bundle(stu3.typeHistory(stu3Since(since), request));
    }

    /**
     * Parameters are declared for HAPI's routing and CapabilityStatement; the STU3 search reads them,
     * renamed, from the request. A page link carries the renamed ones, so it is passed as it is.
     */
    @Search(allowUnknownParams = true)
    public Bundle search(RequestDetails request,
            @OptionalParam(name = "_id") TokenAndListParam ids,
            @OptionalParam(name = "code") TokenAndListParam code,
            @OptionalParam(name = "derived-from") ReferenceAndListParam derivedFrom,
            @OptionalParam(name = "identifier") TokenAndListParam identifier,
            @OptionalParam(name = "issued") DateAndListParam issued,
            @OptionalParam(name = "patient", chainWhitelist = {"", "identifier"}) ReferenceAndListParam patient,
            @OptionalParam(name = "subject", chainWhitelist = {"", "identifier"}) ReferenceAndListParam subject,
            @OptionalParam(name = "study-uid") TokenAndListParam studyUid,
            @OptionalParam(name = "_lastUpdated") DateRangeParam lastUpdated,
            @Sort SortSpec sort,
            @Count Integer count) {
        Map<String, String[]> asked = request.getParameters();
        request.setParameters(translate(asked));
        try {
            return bundle(stu3.search(request, null, null, null, null, null, null, null, null, null, null, null,
                    null));
        } finally {
            request.setParameters(asked);
        }
    }

    /** The R5 parameters as the STU3 search knows them; paging and presentation pass unchanged. */
    static Map<String, String[]> translate(Map<String, String[]> parameters) {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> p : parameters.entrySet()) {
            String name = p.getKey();
            String[] values = p.getValue();
            String mapped;
            if (name.startsWith("_") && !PARAMETERS.containsKey(name)) {
                mapped = name; // _count, _cursor, _total, _sort, _format...: the STU3 search decides
            } else {
                mapped = PARAMETERS.get(name);
                if (mapped == null) {
                    throw new InvalidRequestException("Unknown search parameter '" + name + "' for ImagingSelection;"
                            + " supported: _id, _lastUpdated, code, derived-from, identifier, issued, patient,"
                            + " patient.identifier, study-uid, subject, subject.identifier, _count, _sort, _total");
                }
            }
            if (name.equals("study-uid")) {
                // a token in R5 (an id, without urn:oid:); a system, if any, says nothing more
                values = java.util.Arrays.stream(values).map(v -> v.replaceAll("(^|,)[^,|]*\\|", "$1"))
                        .toArray(String[]::new);
            }
            if (name.equals("_sort")) {
                values = java.util.Arrays.stream(values).map(v -> v.replace("issued", "authoring-time"))
                        .toArray(String[]::new);
            }
            String[] merged = out.containsKey(mapped) ? concat(out.get(mapped), values) : values;
            out.put(mapped, merged);
        }
        return out;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** An If-None-Exist query in R5 names, for the STU3 conditional create. */
    private static String translateQuery(String conditional) {
        int query = conditional.indexOf('?');
        Map<String, String[]> translated = translate(ca.uhn.fhir.util.UrlUtil.parseQueryString(
                query < 0 ? conditional : conditional.substring(query + 1)));
        StringBuilder out = new StringBuilder(STU3_RESOURCE).append('?');
        translated.forEach((name, values) -> {
            for (String value : values) {
                out.append(out.charAt(out.length() - 1) == '?' ? "" : "&").append(name).append('=')
                        .append(ca.uhn.fhir.util.UrlUtil.escapeUrlParam(value));
            }
        });
        return out.toString();
    }

    private static ImagingManifest manifest(ImagingSelection selection) {
        try {
            return ImagingSelections.toManifest(selection);
        } catch (ManifestValidationException e) {
            UnprocessableEntityException refused = new UnprocessableEntityException(
                    "The ImagingSelection cannot be a KOS: " + e.getMessage());
            refused.setOperationOutcome(R5Outcomes.problems(e.problems()));
            throw refused;
        }
    }

    private static org.hl7.fhir.dstu3.model.IdType stu3Id(IdType id) {
        return new org.hl7.fhir.dstu3.model.IdType(STU3_RESOURCE, id.getIdPart(), id.getVersionIdPart());
    }

    private static org.hl7.fhir.dstu3.model.InstantType stu3Since(InstantType since) {
        return since == null ? null : new org.hl7.fhir.dstu3.model.InstantType(since.getValueAsString());
    }

    private static MethodOutcome outcome(MethodOutcome stu3) {
        org.hl7.fhir.instance.model.api.IIdType id = stu3.getId();
        MethodOutcome out = new MethodOutcome(new IdType(RESOURCE, id.getIdPart(), id.getVersionIdPart()));
        out.setCreated(stu3.getCreated());
        if (stu3.getResource() instanceof ImagingManifest m) {
            out.setResource(ImagingSelections.toSelection(m));
        }
        return out;
    }

    /** The R5 Bundle of a page the STU3 provider read: same entries, links, total and paging. */
    private Bundle bundle(org.hl7.fhir.dstu3.model.Bundle in) {
        Bundle out = new Bundle();
        out.setId(in.getId());
        out.setType(Bundle.BundleType.fromCode(in.getType().toCode()));
        if (in.hasMeta() && in.getMeta().hasLastUpdated()) {
            out.getMeta().setLastUpdated(in.getMeta().getLastUpdated());
        }
        if (in.hasTotal()) {
            out.setTotal(in.getTotal());
        } else {
            UnknownTotals.mark(out);
        }
        for (org.hl7.fhir.dstu3.model.Bundle.BundleLinkComponent link : in.getLink()) {
            if ("self".equals(link.getRelation())) {
                continue; // HAPI adds this request's own, with the R5 parameter names
            }
            out.addLink().setRelation(Bundle.LinkRelationTypes.fromCode(link.getRelation()))
                    .setUrl(retype(link.getUrl()));
        }
        for (org.hl7.fhir.dstu3.model.Bundle.BundleEntryComponent e : in.getEntry()) {
            Bundle.BundleEntryComponent entry = out.addEntry();
            if (e.hasFullUrl()) {
                entry.setFullUrl(retype(e.getFullUrl()));
            }
            boolean deleted = e.hasRequest()
                    && e.getRequest().getMethod() == org.hl7.fhir.dstu3.model.Bundle.HTTPVerb.DELETE;
            if (e.getResource() instanceof ImagingManifest m && !deleted) {
                entry.setResource(ImagingSelections.toSelection(m));
            }
            if (e.hasSearch() && e.getSearch().hasMode()) {
                entry.getSearch().setMode(Bundle.SearchEntryMode.fromCode(e.getSearch().getMode().toCode()));
            }
            if (e.hasRequest()) {
                entry.getRequest().setMethod(Bundle.HTTPVerb.fromCode(e.getRequest().getMethod().toCode()))
                        .setUrl(retype(e.getRequest().getUrl()));
            }
            if (out.getType() == Bundle.BundleType.HISTORY && !e.hasResponse() && e.hasRequest()) {
                // R5 bdl-3b: a history entry carries the response of the write it records
                Bundle.HTTPVerb verb = entry.getRequest().getMethod();
                entry.getResponse().setStatus(verb == Bundle.HTTPVerb.POST ? "201 Created"
                        : verb == Bundle.HTTPVerb.DELETE ? "204 No Content" : "200 OK");
                if (e.getResource() != null && e.getResource().getMeta().hasVersionId()) {
                    entry.getResponse().setEtag("W/\"" + e.getResource().getMeta().getVersionId() + "\"")
                            .setLastModified(e.getResource().getMeta().getLastUpdated());
                }
            }
            if (e.hasResponse()) {
                entry.getResponse().setStatus(e.getResponse().getStatus());
                if (e.getResponse().hasEtag()) {
                    entry.getResponse().setEtag(e.getResponse().getEtag());
                }
                if (e.getResponse().hasLastModified()) {
                    entry.getResponse().setLastModified(e.getResponse().getLastModified());
                }
            }
        }
        return out;
    }

    /** A URL of the STU3 provider's Bundle, under this base (the request's base) and type. */
    private static String retype(String url) {
        if (url == null) {
            return null;
        }
        return url.replace("/" + STU3_RESOURCE + "/", "/" + RESOURCE + "/")
                .replace("/" + STU3_RESOURCE + "?", "/" + RESOURCE + "?")
                .replaceFirst("^" + STU3_RESOURCE + "(?=[/?]|$)", RESOURCE)
                .replaceFirst("/" + STU3_RESOURCE + "$", "/" + RESOURCE);
    }
}
