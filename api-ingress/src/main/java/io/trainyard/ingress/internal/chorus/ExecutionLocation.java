package io.trainyard.ingress.internal.chorus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a workfile runs, in Chorus's shapes: Chorus runs a workflow in a database of a data
 * source, and a workspace has a sandbox schema in it. Trainyard runs every workflow on its
 * worker pool, so each tenant has one execution location, "default", of the data source
 * "Trainyard workers", always online; its ids are Chorus ids like any other entity's.
 *
 * @param databaseId the Chorus id of the location (Chorus's database)
 * @param dataSourceId the Chorus id of its data source
 * @param schemaId the Chorus id of the sandbox schema
 * @param ownerId the Chorus id of the user it is shown with (the workspace's owner)
 */
record ExecutionLocation(long databaseId, long dataSourceId, long schemaId, long ownerId) {
    static final String NAME = "default";

    Map<String, Object> database() {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("id", dataSourceId);
        source.put("name", "Trainyard workers");
        source.put("entity_type", "gpdb_data_source");
        source.put("is_deleted", null);
        source.put("shared", true);
        source.put("owner_id", ownerId);
        source.put("version", "trainyard");
        source.put("is_hawq", null);
        source.put("state", "online");
        source.put("public", true);
        Map<String, Object> database = new LinkedHashMap<>();
        database.put("id", databaseId);
        database.put("name", NAME);
        database.put("data_source", source);
        database.put("entity_type", "gpdb_database");
        database.put("complete_json", true);
        return database;
    }

    /** The workspace's sandbox; {@code refreshedAt} is when its workspace last changed. */
    Map<String, Object> sandbox(String refreshedAt) {
        Map<String, Object> sandbox = new LinkedHashMap<>();
        sandbox.put("id", schemaId);
        sandbox.put("name", NAME);
        sandbox.put("dataset_count", 0);
        sandbox.put("refreshed_at", refreshedAt);
        sandbox.put("entity_type", "gpdb_schema");
        sandbox.put("is_deleted", null);
        sandbox.put("stale", false);
        sandbox.put("database", database());
        sandbox.put("complete_json", true);
        return sandbox;
    }
}
