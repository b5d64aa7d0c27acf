package io.tokentally.ingest;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * The files of a local input folder, its subfolders' too, as both the usage ingest and the purchases step read them:
 * symbolic links are followed (a linked folder or file is read as if it were there), and hidden files (a name that
 * starts with {@code .}: temporary files of copy tools and editors, such as rsync's {@code .usage.csv.Qx81zT} while a
 * copy is in flight) are not read.
 */
public final class InputFolders {

    private InputFolders() {}

    /**
     * The files under {@code root}, in path order. Each file left out is named to {@code onSkipped}, with why: a
     * hidden file, a link that leads nowhere, a link back to a folder the walk is in (whose files are read already).
     */
    public static List<Path> files(Path root, Consumer<String> onSkipped) throws IOException {
        Walk walk = new Walk(onSkipped);
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, walk);
        walk.files.sort(Comparator.naturalOrder());
        return walk.files;
    }

    private static final class Walk extends SimpleFileVisitor<Path> {

        private final Consumer<String> onSkipped;
        private final List<Path> files = new ArrayList<>();

        Walk(Consumer<String> onSkipped) {
            this.onSkipped = onSkipped;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (file.getFileName().toString().startsWith(".")) {
                onSkipped.accept("hidden file " + file.toAbsolutePath() + " is not read");
            } else if (attributes.isSymbolicLink()) {
                onSkipped.accept("link " + file.toAbsolutePath() + " leads to nothing and is not read");
            } else if (attributes.isRegularFile()) {
                files.add(file);
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof FileSystemLoopException) {
                onSkipped.accept("link " + file.toAbsolutePath() + " leads back to a folder it is in, read already");
                return FileVisitResult.CONTINUE;
            }
            if (e instanceof NoSuchFileException) {
                onSkipped.accept(
                        file.toAbsolutePath() + " was removed or moved while its folder was read and is not read");
                return FileVisitResult.CONTINUE;
            }
            throw e;
        }
    }
}
