package io.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreditsStepConfigurationTests {

    @TempDir
    Path dir;

    @Test
    void purchasesFeedsAreFoundThroughLinksAsTheUsageFilesBesideThemAre() throws IOException {
        // given: the input folder is a link to a folder holding a purchases feed beside usage
        Path real = Files.createDirectories(dir.resolve("real"));
        Files.writeString(real.resolve("purchases.csv"), "p");
        Files.writeString(real.resolve("usage.csv"), "u");
        Path input = Files.createSymbolicLink(dir.resolve("input"), real);

        // when / then
        assertThat(CreditsStepConfiguration.purchaseFeeds("gateway=" + input))
                .containsExactly(input.resolve("purchases.csv"));
    }
}
