using System.Text.Json;

namespace Imaging.Edge.Devices.Profiles;

/// <summary>
/// Reads hardware profiles. Every error of a file is reported, each with its JSON path, before anything is used: a
/// profile is either wholly valid or rejected (and, at a reload, the old one keeps running). Does not throw for
/// anything a file contains; an unreadable file is an error like the others.
/// </summary>
internal static class ProfileLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false };

    public static ProfileLoad LoadFile(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ProfileLoad(NameOf(path), null, [new ProfileError("$", $"cannot be read: {e.Message}")]);
        }
        return Load(NameOf(path), json);
    }

    /// <summary>Every <c>*.json</c> of a folder except the schema, by name.</summary>
    public static IReadOnlyList<ProfileLoad> LoadDirectory(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*.json")
            .Where(f => !string.Equals(Path.GetFileName(f), "schema.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(LoadFile)];

    public static ProfileLoad Load(string name, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            return new ProfileLoad(name, null, [new ProfileError("$", $"is not JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})")]);
        }
        using (document)
        {
            var errors = new List<ProfileError>();
            ProfileShape.Check(document.RootElement, typeof(HardwareProfile), "$", optional: false, errors);
            if (errors.Count > 0)
                return new ProfileLoad(name, null, errors);
            HardwareProfile? profile;
            try
            {
                profile = document.RootElement.Deserialize<HardwareProfile>(ProfileJson.Options);
            }
            catch (JsonException e)
            {
                // The shape check should have caught it; if the two ever disagree, the file is still rejected cleanly.
                return new ProfileLoad(name, null, [new ProfileError(e.Path ?? "$", e.Message)]);
            }
            if (profile is null)
                return new ProfileLoad(name, null, [new ProfileError("$", "must be an object")]);
            ProfileRules.Check(profile, errors);
            return new ProfileLoad(name, errors.Count == 0 ? profile : null, errors);
        }
    }

    private static string NameOf(string path) => Path.GetFileNameWithoutExtension(path);
}

/// <summary>One profile file read: its name (the file name without <c>.json</c>), the profile when valid, every error.</summary>
internal sealed record ProfileLoad(string Name, HardwareProfile? Profile, IReadOnlyList<ProfileError> Errors);
