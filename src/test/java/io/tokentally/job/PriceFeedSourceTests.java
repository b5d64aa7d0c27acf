package io.tokentally.job;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.tokentally.TempFolders;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PriceFeedSourceTests {

    @Test
    void aFeedFileThatIsAFolderOrMissingIsRefusedSayingWhich() throws Exception {
        // given: a folder was said not to exist
        Path folder = TempFolders.create("price-feeds");
        PriceFeedSource source = new PriceFeedSource(null);

        // when, then
        assertThatIllegalArgumentException()
                .isThrownBy(() -> source.open(folder.toString()))
                .withMessage("price feed: " + folder.toAbsolutePath() + " is a folder, not a file");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> source.open(folder.resolve("litellm.json").toString()))
                .withMessage(
                        "price feed: the file " + folder.toAbsolutePath().resolve("litellm.json") + " does not exist");
    }
}
