using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static NanGuard.Runtime.Tests.Tensors.Values;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>
/// TrainingGuard's policies on a real model and optimizer. Each batch runs in its own dispose scope, as the docs'
/// training loop does, so whatever the guard keeps across batches must outlive them.
/// </summary>
[Collection(LibTorchCollection.Name)]
public sealed class TrainingGuardTensorTests
{
    [Fact]
    public void Skip_leaves_the_weights_bit_for_bit_zeroes_the_gradients_and_reports_the_NaN_loss()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 10);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions { Policy = GuardPolicy.Skip });
        var incidents = new List<GuardDiagnosis>();
        guard.Incident += (_, e) => incidents.Add(e.Diagnosis);
        Assert.True(Clean(guard, model, optimizer, seed: 1).Steps);
        var before = Weights(model);

        var decision = Bad(guard, model, optimizer, seed: 2);

        Assert.Equal(StepAction.Skip, decision.Action);
        BitEqual(before, Weights(model));
        Assert.All(model.parameters(), p => Assert.All(Gradient(p)!, g => Assert.Equal(0f, g)));
        var incident = Assert.Single(incidents);
        Assert.Equal(IncidentKind.NonFiniteLoss, incident.Kind);
        Assert.True(double.IsNaN(incident.Loss!.Value));
        Assert.Equal(1, guard.Statistics.NonFiniteLosses);

        Assert.True(Clean(guard, model, optimizer, seed: 3).Steps);
        Assert.False(SameBits(before, Weights(model)));
        AllFinite(Weights(model));
    }

    [Fact]
    public void An_infinite_gradient_is_reported_with_its_norm_and_the_step_skipped()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 11);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        using var guard = new TrainingGuard(model, optimizer);
        var before = Weights(model);
        optimizer.zero_grad();
        var loss = Batches.Loss(model, seed: 1);
        loss.backward();
        Batches.PoisonGradient(model.parameters().Last());

        var decision = guard.Step(loss);

        Assert.Equal(StepAction.Skip, decision.Action);
        Assert.Equal(IncidentKind.NonFiniteGradientNorm, decision.Diagnosis!.Kind);
        Assert.Equal(double.PositiveInfinity, decision.Diagnosis.GradientNorm);
        Assert.Equal(loss.item<float>(), decision.Diagnosis.Loss);
        BitEqual(before, Weights(model));
    }

    [Fact]
    public void BackOff_lowers_every_param_groups_rate_on_bad_steps_steps_with_it_and_recovers_to_the_original()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(12);
        var model = nn.Linear(3, 2);
        using var optimizer = torch.optim.SGD(new[]
        {
            new SGD.ParamGroup(new[] { model.weight! }, 0.1, 0, 0, 0, false, false),
            new SGD.ParamGroup(new[] { model.bias! }, 0.2, 0, 0, 0, false, false),
        }, 0.1);
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions
        {
            Policy = GuardPolicy.BackOff,
            BackOffFactor = 0.5,
            RecoveryFactor = 2.0,
            RecoverySteps = 2,
            MaxNorm = double.PositiveInfinity,
        });
        double[] Rates() => optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

        Clean(guard, model, optimizer, seed: 1);
        Assert.Equal(StepAction.BackOff, Bad(guard, model, optimizer, seed: 2).Action);
        Assert.Equal(new[] { 0.05, 0.1 }, Rates());
        Assert.Equal(StepAction.BackOff, Bad(guard, model, optimizer, seed: 3).Action);
        Assert.Equal(new[] { 0.025, 0.05 }, Rates());
        Assert.Equal(0.25, guard.Statistics.LearningRateScale);

        // The next clean step uses the lowered rates.
        var before = Weights(model);
        optimizer.zero_grad();
        var loss = Batches.Loss(model, seed: 4);
        loss.backward();
        var weightGrad = Gradient(model.weight!)!;
        var biasGrad = Gradient(model.bias!)!;
        Assert.True(guard.Step(loss).Steps);
        Close(before["weight"].Select((w, i) => (float)(w - 0.025 * weightGrad[i])).ToArray(), Weights(model)["weight"], 1e-7, "weight");
        Close(before["bias"].Select((b, i) => (float)(b - 0.05 * biasGrad[i])).ToArray(), Weights(model)["bias"], 1e-7, "bias");
        Assert.Equal(new[] { 0.025, 0.05 }, Rates());

        // RecoverySteps clean steps in a row double the rate, back to the original and never above it.
        Clean(guard, model, optimizer, seed: 5);
        Assert.Equal(new[] { 0.05, 0.1 }, Rates());
        Clean(guard, model, optimizer, seed: 6);
        Clean(guard, model, optimizer, seed: 7);
        Assert.Equal(new[] { 0.1, 0.2 }, Rates());
        Clean(guard, model, optimizer, seed: 8);
        Clean(guard, model, optimizer, seed: 9);
        Assert.Equal(new[] { 0.1, 0.2 }, Rates());
        Assert.Equal(2, guard.Statistics.BackOffs);
        Assert.Equal(2, guard.Statistics.Recoveries);
        Assert.Equal(1.0, guard.Statistics.LearningRateScale);
    }

    [Fact]
    public void Rollback_restores_weights_and_Adams_state_so_the_next_step_matches_a_twin_that_never_left_the_snapshot()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 13);
        var twin = Batches.Mlp(seed: 0);
        twin.load_state_dict(model.state_dict());
        using var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
        using var twinOptimizer = torch.optim.Adam(twin.parameters(), lr: 0.01);
        var options = new GuardOptions { Policy = GuardPolicy.Rollback, SnapshotInterval = 1000 };
        using var guard = new TrainingGuard(model, optimizer, options);
        using var twinGuard = new TrainingGuard(twin, twinOptimizer, options);

        Clean(guard, model, optimizer, seed: 1);
        Clean(twinGuard, twin, twinOptimizer, seed: 1);
        var snapshot = Weights(model);
        Clean(guard, model, optimizer, seed: 2);
        Clean(guard, model, optimizer, seed: 3);
        Assert.False(SameBits(snapshot, Weights(model)));

        var decision = Bad(guard, model, optimizer, seed: 4);

        Assert.Equal(StepAction.Rollback, decision.Action);
        Assert.Equal(1, decision.Diagnosis!.SnapshotStep);
        BitEqual(snapshot, Weights(model));
        Assert.All(model.parameters(), p => Assert.All(Gradient(p)!, g => Assert.Equal(0f, g)));

        Clean(guard, model, optimizer, seed: 5);
        Clean(twinGuard, twin, twinOptimizer, seed: 5);
        BitEqual(Weights(twin), Weights(model));
        Clean(guard, model, optimizer, seed: 6);
        Clean(twinGuard, twin, twinOptimizer, seed: 6);
        BitEqual(Weights(twin), Weights(model));
    }

    [Fact]
    public void Rollback_restores_the_latest_snapshot_not_an_older_one()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 14);
        using var optimizer = torch.optim.Adam(model.parameters(), lr: 0.01);
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions { Policy = GuardPolicy.Rollback, SnapshotInterval = 2 });

        Clean(guard, model, optimizer, seed: 1);
        var first = Weights(model);
        Clean(guard, model, optimizer, seed: 2);
        Clean(guard, model, optimizer, seed: 3);
        var latest = Weights(model);
        Clean(guard, model, optimizer, seed: 4);
        Assert.Equal(3, guard.Statistics.LastSnapshotStep);

        var decision = Bad(guard, model, optimizer, seed: 5);

        Assert.Equal(StepAction.Rollback, decision.Action);
        Assert.Equal(3, decision.Diagnosis!.SnapshotStep);
        BitEqual(latest, Weights(model));
        Assert.False(SameBits(first, Weights(model)));
    }

    [Fact]
    public void Rollback_on_demand_restores_the_known_good_state_and_is_refused_before_one_exists()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 15);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions { Policy = GuardPolicy.Rollback });
        var initial = Weights(model);

        Assert.False(guard.Rollback());
        BitEqual(initial, Weights(model));

        Clean(guard, model, optimizer, seed: 1);
        var known = Weights(model);
        Clean(guard, model, optimizer, seed: 2);
        Assert.True(guard.HasSnapshot);
        Assert.True(guard.Rollback());
        BitEqual(known, Weights(model));
        Assert.Equal(1, guard.Statistics.Rollbacks);
    }

    [Fact]
    public void Throw_stops_with_a_diagnosis_that_names_what_went_non_finite_and_leaves_the_weights()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 16);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions { Policy = GuardPolicy.Throw });
        Clean(guard, model, optimizer, seed: 1);
        var before = Weights(model);

        var lossError = Assert.Throws<NonFiniteTrainingException>(() => Bad(guard, model, optimizer, seed: 2));

        Assert.Equal(IncidentKind.NonFiniteLoss, lossError.Diagnosis.Kind);
        Assert.Equal(StepAction.Stop, lossError.Diagnosis.Action);
        Assert.Contains("the loss is not finite", lossError.Message, StringComparison.Ordinal);
        Assert.Contains("loss NaN", lossError.Message, StringComparison.Ordinal);
        BitEqual(before, Weights(model));

        optimizer.zero_grad();
        var loss = Batches.Loss(model, seed: 3);
        loss.backward();
        Batches.PoisonGradient(model.parameters().First(), float.NegativeInfinity);
        var normError = Assert.Throws<NonFiniteTrainingException>(() => guard.Step(loss));

        Assert.Equal(IncidentKind.NonFiniteGradientNorm, normError.Diagnosis.Kind);
        Assert.Contains("the gradient norm is not finite", normError.Message, StringComparison.Ordinal);
        Assert.Contains("gradient norm inf", normError.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(double.PositiveInfinity, normError.Diagnosis.GradientNorm);
        BitEqual(before, Weights(model));
    }

    [Fact]
    public void The_consecutive_bad_step_limit_stops_any_policy_and_a_clean_step_resets_the_count()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 17);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions { Policy = GuardPolicy.Skip, MaxConsecutiveBadSteps = 3 });
        var before = Weights(model);

        Assert.Equal(StepAction.Skip, Bad(guard, model, optimizer, seed: 1).Action);
        Assert.Equal(StepAction.Skip, Bad(guard, model, optimizer, seed: 2).Action);
        Clean(guard, model, optimizer, seed: 3);
        before = Weights(model);
        Assert.Equal(StepAction.Skip, Bad(guard, model, optimizer, seed: 4).Action);
        Assert.Equal(StepAction.Skip, Bad(guard, model, optimizer, seed: 5).Action);
        var error = Assert.Throws<NonFiniteTrainingException>(() => Bad(guard, model, optimizer, seed: 6));

        Assert.True(error.Diagnosis.LimitReached);
        Assert.Equal(3, error.Diagnosis.ConsecutiveBadSteps);
        Assert.Contains("limit was reached", error.Message, StringComparison.Ordinal);
        BitEqual(before, Weights(model));
        Assert.Equal(1, guard.Statistics.Stops);
    }

    [Fact]
    public void A_step_that_throws_after_updating_the_weights_is_rolled_back_reported_and_rethrown()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 18);
        using var optimizer = new FailingSgd(model.parameters(), 0.1);
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions { Policy = GuardPolicy.Rollback });
        var incidents = new List<GuardDiagnosis>();
        guard.Incident += (_, e) => incidents.Add(e.Diagnosis);
        Clean(guard, model, optimizer, seed: 1);
        var known = Weights(model);

        optimizer.FailNext = true;
        var error = Assert.Throws<InvalidOperationException>(() => Clean(guard, model, optimizer, seed: 2));

        Assert.Equal(FailingSgd.Message, error.Message);
        BitEqual(known, Weights(model));
        var incident = Assert.Single(incidents);
        Assert.Equal(IncidentKind.StepFailed, incident.Kind);
        Assert.Equal(StepAction.Rollback, incident.Action);
        Assert.Contains(FailingSgd.Message, incident.Detail, StringComparison.Ordinal);
        Assert.Equal(1, guard.Statistics.FailedSteps);
        Clean(guard, model, optimizer, seed: 3);
        Assert.False(SameBits(known, Weights(model)));
    }

    /// <summary>One clean batch in its own dispose scope; asserts the guard stepped.</summary>
    private static StepDecision Clean(TrainingGuard guard, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, long seed)
    {
        using var batch = torch.NewDisposeScope();
        optimizer.zero_grad();
        var loss = Batches.Loss(model, seed);
        loss.backward();
        var decision = guard.Step(loss);
        Assert.True(decision.Steps, decision.Diagnosis?.ToString());
        return decision;
    }

    /// <summary>One batch whose loss (and so every gradient) is NaN, in its own dispose scope.</summary>
    private static StepDecision Bad(TrainingGuard guard, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, long seed)
    {
        using var batch = torch.NewDisposeScope();
        optimizer.zero_grad();
        var loss = Batches.NaNLoss(model, seed);
        loss.backward();
        return guard.Step(loss);
    }

    /// <summary>SGD whose step, when told to, updates the weights and then throws (a half-done step).</summary>
    private sealed class FailingSgd : SGD
    {
        internal const string Message = "the device was lost mid-step";

        internal FailingSgd(IEnumerable<Parameter> parameters, double lr)
            : base(parameters, lr, 0, 0, 0, false, false)
        {
        }

        internal bool FailNext { get; set; }

        public override Tensor step(Func<Tensor>? closure = null)
        {
            var loss = base.step(closure);
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException(Message);
            }

            return loss;
        }
    }
}
