using System.Net;
using Imaging.Edge.Dicom.Network;

namespace Imaging.Edge.Dicom.Tests.Network;

public sealed class ConnectionBudgetTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");

    private static void Nothing()
    {
    }

    [Fact]
    public void Connections_take_no_association_slot_until_they_ask_for_one()
    {
        var budget = new ConnectionBudget(maxAssociations: 1, maxPending: 10, maxPerAddress: 10);
        var first = budget.TryAdmit(A, Nothing, out _)!;
        var second = budget.TryAdmit(A, Nothing, out _)!;

        Assert.Equal(0, budget.Associations);
        Assert.True(first.TryTakeAssociationSlot());
        Assert.False(second.TryTakeAssociationSlot()); // rejected: local limit exceeded
        first.Dispose();
        second.Dispose();
        Assert.Equal((0, 0), (budget.Associations, budget.Connections));
        Assert.True(budget.TryAdmit(B, Nothing, out _)!.TryTakeAssociationSlot());
    }

    [Fact]
    public void One_address_is_capped_and_others_are_not()
    {
        var budget = new ConnectionBudget(maxAssociations: 10, maxPending: 10, maxPerAddress: 2);
        var leases = new[] { budget.TryAdmit(A, Nothing, out _), budget.TryAdmit(A, Nothing, out _) };

        Assert.Null(budget.TryAdmit(A, Nothing, out var refusal));
        Assert.Contains("at most 2", refusal);
        Assert.NotNull(budget.TryAdmit(B, Nothing, out _));
        leases[0]!.Dispose();
        leases[0]!.Dispose(); // twice is once
        Assert.NotNull(budget.TryAdmit(A, Nothing, out _));
        Assert.Null(budget.TryAdmit(A, Nothing, out _));
    }

    [Fact]
    public void When_the_pending_budget_is_full_the_connection_waiting_longest_makes_room()
    {
        var budget = new ConnectionBudget(maxAssociations: 1, maxPending: 2, maxPerAddress: 10);
        var evicted = new List<string>();
        var associated = budget.TryAdmit(A, () => evicted.Add("associated"), out _)!;
        Assert.True(associated.TryTakeAssociationSlot());
        var oldest = budget.TryAdmit(A, () => evicted.Add("oldest"), out _)!;
        var newer = budget.TryAdmit(B, () => evicted.Add("newer"), out _)!;

        var newest = budget.TryAdmit(B, () => evicted.Add("newest"), out _);

        Assert.NotNull(newest);
        Assert.Equal(["oldest"], evicted); // never an associated one
        Assert.False(oldest.TryTakeAssociationSlot()); // its request, if it comes, is too late
        Assert.False(newer.TryTakeAssociationSlot()); // no slot free: rejected, and it leaves the pending budget
        oldest.Dispose();
        Assert.Equal(3, budget.Connections);
        Assert.NotNull(budget.TryAdmit(A, () => evicted.Add("last"), out _));
        Assert.Equal(["oldest"], evicted); // room without evicting: one of the two pending left
    }
}
