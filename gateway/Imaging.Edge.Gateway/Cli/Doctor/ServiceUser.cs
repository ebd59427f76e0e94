using System.Globalization;

namespace Imaging.Edge.Gateway.Cli.Doctor;

/// <summary>
/// The account the service runs as (<c>imaging-edge</c>, created by the package) with its groups, read from
/// <c>/etc/passwd</c> and <c>/etc/group</c>, to tell whether it may open a file — doctor usually runs as root, which
/// may open anything. <c>dialout</c> counts: the unit adds it (<c>SupplementaryGroups=dialout</c>).
/// </summary>
internal sealed record ServiceUser(string Name, uint Uid, IReadOnlySet<uint> Gids)
{
    public const string DefaultName = "imaging-edge";

    /// <summary>The account, or null when there is none (a development machine): then doctor checks as itself.</summary>
    public static ServiceUser? Find(string name = DefaultName)
    {
        try
        {
            var entry = File.ReadLines("/etc/passwd").Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 4 && f[0] == name);
            if (entry is null || !uint.TryParse(entry[2], CultureInfo.InvariantCulture, out var uid) || !uint.TryParse(entry[3], CultureInfo.InvariantCulture, out var gid))
                return null;
            var gids = new HashSet<uint> { gid };
            foreach (var group in File.ReadLines("/etc/group").Select(l => l.Split(':')).Where(f => f.Length >= 4))
            {
                if ((group[0] == "dialout" || group[3].Split(',').Contains(name, StringComparer.Ordinal))
                    && uint.TryParse(group[2], CultureInfo.InvariantCulture, out var member))
                    gids.Add(member);
            }
            return new ServiceUser(name, uid, gids);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether this account may read (and, with <paramref name="write"/>, write) the file, by its owner, group and mode.</summary>
    public bool May(string path, bool write)
    {
        if (Uid == 0) return true;
        if (FileOwner.Of(path) is not var (owner, group, mode)) return false;
        var (read, writeBit) = owner == Uid ? (UnixFileMode.UserRead, UnixFileMode.UserWrite)
            : Gids.Contains(group) ? (UnixFileMode.GroupRead, UnixFileMode.GroupWrite)
            : (UnixFileMode.OtherRead, UnixFileMode.OtherWrite);
        return mode.HasFlag(read) && (!write || mode.HasFlag(writeBit));
    }
}
