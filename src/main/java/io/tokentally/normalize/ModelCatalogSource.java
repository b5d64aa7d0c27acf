package io.tokentally.normalize;

/** Loads the current model catalog; called once per step so a run sees the prices it loaded. */
public interface ModelCatalogSource {

    ModelCatalog current();

    /** The catalog as plans that hold price changes until they are approved see it. */
    ModelCatalog held();
}
