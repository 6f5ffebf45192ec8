package com.imagingmanifest.dicom.tools;

import com.imagingmanifest.dicom.data.BulkDataUri;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.ElementDictionary;
import com.imagingmanifest.dicom.data.Fragments;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.SpecificCharacterSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.DataSetReader;
import com.imagingmanifest.dicom.io.DicomFile;
import com.imagingmanifest.dicom.io.DicomParseException;
import com.imagingmanifest.dicom.io.Part10;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gateway dump FILE...}: prints DICOM files as dcmdump does — one line per element with tag,
 * VR, value (strings in brackets), length and value multiplicity, keyword; items and nested sequences
 * indented. A file that cannot be read gives one line {@code FILE: offset N: problem} and exit code 1.
 */
public final class DumpCommand {
    private static final int VALUE_COLUMN = 40;
    private static final int MAX_VALUE_CHARS = 64;

    private final PrintStream out;
    private final boolean printAll;

    private DumpCommand(PrintStream out, boolean printAll) {
        this.out = out;
        this.printAll = printAll;
    }

    /** The command line: picocli fills the fields, then calls {@link #call}. */
    @Command(name = "gateway dump", mixinStandardHelpOptions = true,
            description = "Prints DICOM files as dcmdump does, with our own parser.")
    static final class Arguments extends Tool.Body {
        @Option(names = {"+L", "--print-all"}, description = "print long values in full")
        boolean printAll;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "DICOM files (Part 10)")
        List<Path> files;

        @Override
        public Integer call() {
            int status = Tool.OK;
            for (Path path : files) {
                try {
                    DicomFile file = read(path);
                    out.println("# Dicom-File-Format");
                    out.println();
                    out.println("# Dicom-Meta-Information-Header");
                    new DumpCommand(out, printAll).print(file.fileMeta(), 0, SpecificCharacterSet.DEFAULT);
                    out.println();
                    out.println("# Dicom-Data-Set");
                    out.println("# Used TransferSyntax: " + file.transferSyntaxUid());
                    new DumpCommand(out, printAll).print(file.dataSet(), 0, SpecificCharacterSet.DEFAULT);
                } catch (DicomParseException e) {
                    err.println(path + ": " + e.getMessage());
                    status = Tool.FAILED;
                } catch (IOException e) {
                    err.println(path + ": cannot read: " + e.getMessage());
                    status = Tool.FAILED;
                } catch (RuntimeException e) {
                    // one line, never a stack trace
                    err.println(path + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
                    status = Tool.FAILED;
                }
                out.flush();
            }
            return status;
        }
    }

    public static void main(String[] args) {
        Tool.main(new Arguments(), args);
    }

    /** Runs the command; returns the exit status (0 when every file was printed, 1 when one was not, 2 bad arguments). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Tool.run(new Arguments(), args, out, err);
    }

    private static DicomFile read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return Part10.read(in, DataSetReader.DEFAULT_MAX_BYTES);
        }
    }

    private void print(DataSet ds, int depth, SpecificCharacterSet inherited) {
        SpecificCharacterSet cs = ds.contains(Tag.SpecificCharacterSet)
                ? SpecificCharacterSet.valueOf(ds.getString(Tag.SpecificCharacterSet)) : inherited;
        String indent = "  ".repeat(depth);
        for (int i = 0; i < ds.size(); i++) {
            int tag = ds.tagAt(i);
            Vr vr = ds.vrAt(i);
            Object value = ds.valueAt(i);
            String head = indent + tagText(tag) + " " + vr + " ";
            if (value instanceof Sequence seq) {
                line(head + "(Sequence with explicit length #=" + seq.size() + ")", -1, 1, tag);
                for (DataSet item : seq) {
                    line(indent + "  (fffe,e000) na (Item with explicit length #=" + item.size() + ")", -1, 1, Tag.Item);
                    print(item, depth + 2, cs);
                    line(indent + "  (fffe,e00d) na (ItemDelimitationItem for re-encoding)", 0, 0, Tag.ItemDelimitationItem);
                }
                line(indent + "(fffe,e0dd) na (SequenceDelimitationItem for re-encoding)", 0, 0, Tag.SequenceDelimitationItem);
            } else if (value instanceof Fragments frags) {
                line(head + "(PixelSequence #=" + frags.items().size() + ")", -1, 1, tag);
                for (byte[] f : frags.items()) {
                    line(indent + "  (fffe,e000) pi " + hex(f, 1), f.length, 1, Tag.Item);
                }
                line(indent + "(fffe,e0dd) na (SequenceDelimitationItem)", 0, 0, Tag.SequenceDelimitationItem);
            } else if (value instanceof BulkDataUri uri) {
                line(head + "(BulkDataURI " + uri.uri() + ")", -1, 1, tag);
            } else if (value instanceof String s && !s.isEmpty()) {
                int length = vr.kind() == Vr.Kind.TEXT ? cs.encode(s, vr == Vr.PN).length
                        : s.getBytes(StandardCharsets.ISO_8859_1).length;
                int vm = vr.singleValued() ? 1 : s.split("\\\\", -1).length;
                line(head + "[" + shorten(s) + "]", length + (length & 1), vm, tag);
            } else if (value instanceof byte[] b && b.length > 0) {
                int n = vr.bytesPerValue();
                int vm = vr == Vr.OB || vr == Vr.UN || vr == Vr.OW || vr == Vr.OF || vr == Vr.OD || vr == Vr.OL
                        || vr == Vr.OV || n == 0 ? 1 : b.length / n;
                line(head + shorten(binary(vr, b)), b.length, vm, tag);
            } else {
                line(head + "(no value available)", 0, 0, tag);
            }
        }
    }

    private void line(String left, int length, int vm, int tag) {
        StringBuilder sb = new StringBuilder(left);
        while (sb.length() < VALUE_COLUMN) {
            sb.append(' ');
        }
        String keyword = ElementDictionary.keywordOf(tag);
        if (tag == Tag.Item || tag == Tag.ItemDelimitationItem || tag == Tag.SequenceDelimitationItem) {
            keyword = tag == Tag.Item ? "Item" : tag == Tag.ItemDelimitationItem ? "ItemDelimitationItem" : "SequenceDelimitationItem";
        }
        sb.append(" # ").append(length < 0 ? "u/l" : String.format("%3d", length)).append(", ").append(vm).append(' ')
                .append(keyword == null ? (Tag.isPrivate(tag) ? "PrivateTag" : "Unknown Tag & Data") : keyword);
        out.println(sb);
    }

    private String shorten(String s) {
        return printAll || s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS) + "...";
    }

    private static String tagText(int tag) {
        return String.format("(%04x,%04x)", Tag.group(tag), Tag.element(tag));
    }

    /** Binary values as dcmdump shows them: numbers for US..FD, hex for OB/OW/UN, (gggg,eeee) for AT. */
    static String binary(Vr vr, byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder sb = new StringBuilder();
        int n = switch (vr) {
            case OB, UN -> 1;
            default -> vr.bytesPerValue();
        };
        if (n == 0) {
            return hex(b, 1);
        }
        for (int k = 0; k + n <= b.length && sb.length() <= 4 * MAX_VALUE_CHARS * 64; k += n) {
            if (k > 0) {
                sb.append('\\');
            }
            switch (vr) {
                case OB, UN -> sb.append(String.format("%02x", buf.get()));
                case OW -> sb.append(String.format("%04x", Short.toUnsignedInt(buf.getShort())));
                case US -> sb.append(Short.toUnsignedInt(buf.getShort()));
                case SS -> sb.append(buf.getShort());
                case UL, OL -> sb.append(Integer.toUnsignedString(buf.getInt()));
                case SL -> sb.append(buf.getInt());
                case UV, OV -> sb.append(Long.toUnsignedString(buf.getLong()));
                case SV -> sb.append(buf.getLong());
                case FL, OF -> sb.append(number(Float.toString(buf.getFloat())));
                case FD, OD -> sb.append(number(Double.toString(buf.getDouble())));
                case AT -> sb.append(String.format("(%04x,%04x)", Short.toUnsignedInt(buf.getShort()),
                        Short.toUnsignedInt(buf.getShort())));
                default -> sb.append('?');
            }
        }
        return sb.toString();
    }

    /** "2.0" as "2", as dcmdump prints whole numbers. */
    private static String number(String text) {
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    private static String hex(byte[] b, int width) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < Math.min(b.length, 4 * MAX_VALUE_CHARS); k++) {
            if (k > 0) {
                sb.append('\\');
            }
            sb.append(String.format("%02x", b[k]));
        }
        return sb.toString();
    }
}
