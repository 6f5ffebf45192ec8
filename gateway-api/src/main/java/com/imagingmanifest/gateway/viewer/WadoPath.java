package com.imagingmanifest.gateway.viewer;

import com.imagingmanifest.dicom.data.Uid;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An instance-level WADO-RS path below the selection-scoped base (PS3.18 10.4.1):
 * {@code studies/{study}/series/{series}/instances/{sop}} followed by nothing (the instance),
 * {@code /metadata}, {@code /rendered}, {@code /frames/{list}} or {@code /frames/{list}/rendered}.
 *
 * @param frames the frame numbers of a frames resource (PS3.18 8.3.3.1.1: a comma-separated list,
 *     each from 1), empty otherwise
 */
record WadoPath(String study, String series, String sop, Resource resource, List<Integer> frames) {

    /** What is asked of the instance; {@link #suffix} is its path after the instance's. */
    enum Resource {
        INSTANCE, METADATA, RENDERED, FRAMES, RENDERED_FRAMES;

        /** Whether it is the bulk (pixel) data of the whole instance, which a frame selection does not cover. */
        boolean wholeInstance() {
            return this == INSTANCE || this == RENDERED;
        }
    }

    /** Most frames one request may name: a list this long is a scan, not a viewer. */
    static final int MAX_FRAMES = 1000;

    /** Thrown for a path of the right shape with a value that is not allowed (answered 400). */
    static final class BadPath extends Exception {
        BadPath(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses the decoded segments after {@code dicomweb}; empty when they are not an instance-level
     * WADO-RS path at all (answered 404 like anything outside the selection).
     */
    static Optional<WadoPath> parse(List<String> s) throws BadPath {
        int n = s.size();
        if (n < 6 || !s.get(0).equals("studies") || !s.get(2).equals("series") || !s.get(4).equals("instances")) {
            return Optional.empty();
        }
        Resource resource;
        List<Integer> frames = List.of();
        if (n == 6) {
            resource = Resource.INSTANCE;
        } else if (n == 7 && s.get(6).equals("metadata")) {
            resource = Resource.METADATA;
        } else if (n == 7 && s.get(6).equals("rendered")) {
            resource = Resource.RENDERED;
        } else if ((n == 8 || n == 9 && s.get(8).equals("rendered")) && s.get(6).equals("frames")) {
            resource = n == 8 ? Resource.FRAMES : Resource.RENDERED_FRAMES;
            frames = frameList(s.get(7));
            if (resource == Resource.RENDERED_FRAMES && frames.size() != 1) {
                // PS3.18 10.4.1.1.4: a rendered frame resource names one frame
                throw new BadPath("frames/{n}/rendered names exactly one frame, not " + s.get(7));
            }
        } else {
            return Optional.empty();
        }
        for (int i : new int[] {1, 3, 5}) {
            if (!Uid.isValid(s.get(i))) {
                throw new BadPath("not a valid UID: " + s.get(i));
            }
        }
        return Optional.of(new WadoPath(s.get(1), s.get(3), s.get(5), resource, frames));
    }

    private static List<Integer> frameList(String list) throws BadPath {
        List<Integer> frames = new ArrayList<>();
        for (String f : list.split(",", -1)) {
            if (!f.matches("[1-9][0-9]{0,8}")) {
                throw new BadPath("a frame list is comma-separated numbers from 1: " + list);
            }
            frames.add(Integer.parseInt(f));
        }
        if (frames.size() > MAX_FRAMES) {
            throw new BadPath("at most " + MAX_FRAMES + " frames per request");
        }
        return frames;
    }

    /** The path after the instance's, as the PACS's WADO-RS base expects it. */
    String suffix() {
        String list = String.join(",", frames.stream().map(String::valueOf).toList());
        return switch (resource) {
            case INSTANCE -> "";
            case METADATA -> "/metadata";
            case RENDERED -> "/rendered";
            case FRAMES -> "/frames/" + list;
            case RENDERED_FRAMES -> "/frames/" + list + "/rendered";
        };
    }
}
