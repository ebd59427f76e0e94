using System.Net;
using Imaging.Edge.Dicom.Network;

namespace Imaging.Edge.Dicom.Tests.Network;

public sealed class ConnectionBudgetTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");

    [Fact]
    public void Connections_take_no_association_slot_until_they_ask_for_one()
    {
        var budget = new ConnectionBudget(maxAssociations: 1, maxPending: 10, maxPerAddress: 10);
        var first = budget.TryAdmit(A, out _)!;
        var second = budget.TryAdmit(A, out _)!;

        Assert.Equal(0, budget.Associations);
        Assert.True(first.TryTakeAssociationSlot());
        Assert.False(second.TryTakeAssociationSlot()); // rejected: local limit exceeded
        first.Dispose();
        second.Dispose();
        Assert.Equal((0, 0), (budget.Associations, budget.Connections));
        Assert.True(budget.TryAdmit(B, out _)!.TryTakeAssociationSlot());
    }

    [Fact]
    public void One_address_is_capped_and_others_are_not()
    {
        var budget = new ConnectionBudget(maxAssociations: 10, maxPending: 10, maxPerAddress: 2);
        var leases = new[] { budget.TryAdmit(A, out _), budget.TryAdmit(A, out _) };

        Assert.Null(budget.TryAdmit(A, out var refusal));
        Assert.Contains("at most 2", refusal);
        Assert.NotNull(budget.TryAdmit(B, out _));
        leases[0]!.Dispose();
        leases[0]!.Dispose(); // twice is once
        Assert.NotNull(budget.TryAdmit(A, out _));
        Assert.Null(budget.TryAdmit(A, out _));
    }

    [Fact]
    public void Connections_waiting_to_associate_have_a_budget_of_their_own()
    {
        var budget = new ConnectionBudget(maxAssociations: 1, maxPending: 2, maxPerAddress: 10);
        var associated = budget.TryAdmit(A, out _)!;
        Assert.True(associated.TryTakeAssociationSlot());
        var pending = new[] { budget.TryAdmit(A, out _), budget.TryAdmit(B, out _) };

        Assert.Null(budget.TryAdmit(B, out var refusal));
        Assert.Contains("waiting to associate", refusal);
        Assert.False(pending[0]!.TryTakeAssociationSlot()); // leaves the pending budget, gets no slot
        Assert.NotNull(budget.TryAdmit(B, out _));
    }
}
