-- depends: 0014.pull-requests-per-wave
-- A rollout sets one field of its stores' specs: the chart version, the engine's image tag, or a
-- values patch. `target` is the value (JSON); `chart_version` stays for chart rollouts only.
ALTER TABLE rollouts ADD COLUMN kind text NOT NULL DEFAULT 'chart_version'
    CHECK (kind IN ('chart_version', 'image_tag', 'values_patch'));
ALTER TABLE rollouts ADD COLUMN target jsonb;
UPDATE rollouts SET target = to_jsonb(chart_version);
ALTER TABLE rollouts ALTER COLUMN target SET NOT NULL;
ALTER TABLE rollouts ALTER COLUMN chart_version DROP NOT NULL;
ALTER TABLE rollouts ALTER COLUMN kind DROP DEFAULT;

-- The field's value before the store's wave (for the revert) and the value the wave set (a values
-- patch merges into each store's own, so it differs per store); NULL: unset.
ALTER TABLE rollout_stores ADD COLUMN from_value jsonb;
ALTER TABLE rollout_stores ADD COLUMN to_value jsonb;
UPDATE rollout_stores rs SET from_value = to_jsonb(rs.from_version), to_value = to_jsonb(r.chart_version)
    FROM rollouts r WHERE r.id = rs.rollout_id AND rs.state IN ('committed', 'reverted');
ALTER TABLE rollout_stores DROP COLUMN from_version;
