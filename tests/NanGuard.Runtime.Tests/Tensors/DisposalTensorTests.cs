using System;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>
/// The runtime disposes every tensor it allocates (TorchSharp frees native memory only on Dispose): a call leaves in
/// the caller's dispose scope only the tensor it returns. DisposablesCount counts the scope's live tensors.
/// </summary>
[Collection(LibTorchCollection.Name)]
public sealed class DisposalTensorTests
{
    [Fact]
    public void TensorReport_leaves_no_tensor_behind()
    {
        using var scope = torch.NewDisposeScope();
        var tensor = torch.tensor(new[] { 1f, float.NaN, float.NegativeInfinity });

        Assert.Equal(0, NewTensors(scope, () => TensorReport.Of(tensor)));
    }

    [Fact]
    public void A_clean_and_a_skipped_guarded_step_leave_no_tensor_behind()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 40);
        using var optimizer = torch.optim.Adam(model.parameters());
        Batches.Loss(model, seed: 1).backward();
        Assert.Equal(0, NewTensors(scope, () => GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0)));
        Batches.NaNLoss(model, seed: 2).backward();
        Assert.Equal(0, NewTensors(scope, () => GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0)));
    }

    [Fact]
    public void The_guard_and_the_watch_keep_their_snapshot_outside_the_callers_scope_and_leave_nothing_in_it()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 41);
        using var optimizer = torch.optim.Adam(model.parameters());
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions { Policy = GuardPolicy.Rollback });
        using var watch = new DivergenceWatch(model, optimizer, new GuardOptions { Policy = GuardPolicy.Rollback });

        var clean = Batches.Loss(model, seed: 1);
        clean.backward();
        Assert.Equal(0, NewTensors(scope, () => guard.Step(clean)));
        Assert.True(guard.HasSnapshot);
        var bad = Batches.NaNLoss(model, seed: 2);
        bad.backward();
        Assert.Equal(0, NewTensors(scope, () => guard.Step(bad)));
        Assert.Equal(1, guard.Statistics.Rollbacks);

        Assert.Equal(0, NewTensors(scope, () => watch.Observe(clean)));
        Assert.Equal(0, NewTensors(scope, () => watch.Observe(bad)));
        Assert.Equal(1, watch.Statistics.Rollbacks);
    }

    [Fact]
    public void The_scaler_the_gradient_check_and_a_scaled_step_leave_only_what_they_return()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 43);
        using var optimizer = torch.optim.Adam(model.parameters());
        using var guard = new TrainingGuard(model, optimizer);
        var scaler = new LossScaler();
        var loss = Batches.Loss(model, seed: 1);

        Assert.Equal(1, NewTensors(scope, () => scaler.scale(loss)));
        scaler.scale(loss).backward();
        Assert.Equal(0, NewTensors(scope, () => GradientCheck.Of(model)));
        Assert.Equal(0, NewTensors(scope, () => scaler.unscale_(model.parameters())));
        Assert.Equal(0, NewTensors(scope, () => guard.Step(loss, scaler)));
        scaler.scale(Batches.NaNLoss(model, seed: 2)).backward();
        Assert.Equal(0, NewTensors(scope, () => GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0, scaler)));
    }

    [Fact]
    public void A_watched_forward_pass_allocates_no_more_than_an_unwatched_one()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(42);
        var model = new TinyNet(new Log());
        var x = Batches.Input(seed: 1, 4, 3);
        var unwatched = NewTensors(scope, () => model.call(x));

        using var detector = new NanDetector(model);
        var watched = NewTensors(scope, () => model.call(x));

        Assert.NotNull(detector.FirstOffender);
        Assert.Equal(unwatched, watched);
    }

    [Fact]
    public void Each_stable_op_leaves_only_its_result()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 0f, -1f, 4f }).reshape(1, 3);
        var target = torch.tensor(new[] { 0f, 0f, 1f }).reshape(1, 3);

        Assert.Equal(1, NewTensors(scope, () => StableOps.safe_log(x)));
        Assert.Equal(1, NewTensors(scope, () => StableOps.safe_div(x, x)));
        Assert.Equal(1, NewTensors(scope, () => StableOps.safe_sqrt(x)));
        Assert.Equal(1, NewTensors(scope, () => StableOps.safe_normalize(x)));
        Assert.Equal(1, NewTensors(scope, () => StableOps.cross_entropy_from_probs(x, target)));
        Assert.Equal(1, NewTensors(scope, () => StableOps.cross_entropy_from_probs(x, target, reduction: nn.Reduction.None)));
    }

    private static int NewTensors(DisposeScope scope, Func<object?> call)
    {
        var before = scope.DisposablesCount;
        call();
        return scope.DisposablesCount - before;
    }

    private static int NewTensors(DisposeScope scope, Action call) => NewTensors(scope, () =>
    {
        call();
        return null;
    });
}
