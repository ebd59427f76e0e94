using System.Runtime.ExceptionServices;
using Microsoft.Data.Sqlite;

namespace Imaging.Edge.Gateway.Queue;

/// <summary>The changes waiting for the next group commit of <see cref="QueueWriter.WriteTogether{T}"/>.</summary>
internal sealed class CommitGroup
{
    private readonly Lock _lock = new();
    private List<GroupedChange> _waiting = [];

    public GroupedChange Add(Func<SqliteTransaction, object?> work)
    {
        var change = new GroupedChange(work);
        lock (_lock) _waiting.Add(change);
        return change;
    }

    /// <summary>How many changes wait for a commit now.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock) return _waiting.Count;
        }
    }

    /// <summary>Every change waiting now, in arrival order; they are no longer waiting.</summary>
    public IReadOnlyList<GroupedChange> TakeAll()
    {
        lock (_lock)
        {
            var taken = _waiting;
            _waiting = [];
            return taken;
        }
    }
}

/// <summary>
/// One caller's change in a group commit: its work, and its outcome once the group's commit returned. Written by the
/// committing thread under the write lock and read by the caller after it took the same lock, which orders the two.
/// </summary>
internal sealed class GroupedChange(Func<SqliteTransaction, object?> work)
{
    private object? _result;
    private ExceptionDispatchInfo? _failure;

    public Func<SqliteTransaction, object?> Work => work;

    /// <summary>The group holding this change was committed (or failed): the caller only reads the outcome.</summary>
    public bool Done { get; private set; }

    public void Ran(object? result) => _result = result;

    /// <summary>The first failure counts: a change that threw, or the commit that failed after it ran.</summary>
    public void Failed(Exception e) => _failure ??= ExceptionDispatchInfo.Capture(e);

    public void Complete() => Done = true;

    /// <summary>The change's result, or its failure rethrown on the caller's thread.</summary>
    public object? Result()
    {
        _failure?.Throw();
        return _result;
    }
}
