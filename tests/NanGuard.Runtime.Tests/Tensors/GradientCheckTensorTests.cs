using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using Xunit;
using static NanGuard.Runtime.Tests.Tensors.Values;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>
/// The gradient side of an incident: the first parameter whose gradient went non-finite, named with its counts and
/// finite range, joined with NanDetector's forward-side finding; null gradients skipped and listed; the host
/// synchronisations a step costs.
/// </summary>
[Collection(LibTorchCollection.Name)]
public sealed class GradientCheckTensorTests
{
    [Fact]
    public void The_first_non_finite_gradient_is_named_by_module_path_and_parameter_with_its_counts_and_finite_range()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(30);
        var model = new TinyNet(nn.Tanh());
        Batches.Loss(model, seed: 1).backward();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Batches.PoisonGradient(parameters["head.weight"], float.NaN);
        Batches.PoisonGradient(parameters["block.fc.weight"], float.PositiveInfinity);
        var finite = Gradient(parameters["block.fc.weight"])!.Where(float.IsFinite).ToArray();

        var result = GradientCheck.Of(model);

        var first = result.FirstNonFinite!;
        Assert.Equal("block.fc.weight", first.ParameterName);
        Assert.Equal("block.fc", first.ModulePath);
        Assert.Equal("weight", first.Name);
        Assert.Equal(new long[] { 4, 3 }, first.Report.Shape);
        Assert.Equal(12, first.Report.Statistics.Count);
        Assert.Equal(1, first.Report.Statistics.PositiveInfinityCount);
        Assert.Equal(0, first.Report.Statistics.NaNCount);
        Assert.Equal(finite.Min(), first.Report.Statistics.Min!.Value, 6);
        Assert.Equal(finite.Max(), first.Report.Statistics.Max!.Value, 6);
        Assert.Equal(2, result.NonFiniteCount);
        Assert.Equal(4, result.CheckedCount);
        Assert.Empty(result.ParametersWithoutGradient);
    }

    [Fact]
    public void All_finite_gradients_name_nothing_and_cost_one_host_synchronisation()
    {
        using var scope = torch.NewDisposeScope();
        var model = new TinyNet(nn.Tanh());
        Batches.Loss(model, seed: 2).backward();
        var before = HostSynchronizations.Count;

        var result = GradientCheck.Of(model);

        Assert.Equal(1, HostSynchronizations.Count - before);
        Assert.Null(result.FirstNonFinite);
        Assert.Equal(4, result.CheckedCount);
    }

    [Fact]
    public void The_guard_reports_the_forward_and_the_gradient_side_as_one_incident()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(31);
        var model = new TinyNet(new Log());
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        using var detector = new NanDetector(model);
        using var guard = new TrainingGuard(model, optimizer) { Detector = detector };
        var incidents = new List<IncidentEventArgs>();
        guard.Incident += (_, e) => incidents.Add(e);

        // log of the negative entries of block.fc's output: NaN forward, and NaN in block.fc's gradients.
        var loss = Batches.Loss(model, seed: 3);
        loss.backward();
        var decision = guard.Step(loss);

        Assert.Equal(StepAction.Skip, decision.Action);
        var incident = Assert.Single(incidents);
        Assert.Equal("block.inner", incident.ForwardOffender!.ModuleName);
        Assert.Equal("Log", incident.ForwardOffender.ModuleType);
        var gradient = incident.Gradient!;
        Assert.Equal("block.fc.weight", gradient.ParameterName);
        Assert.True(gradient.Report.Statistics.NaNCount > 0);
        Assert.Contains("Forward: module 'block.inner' (Log)", incident.Diagnosis.Detail);
        Assert.Contains("Backward: gradient of 'weight' in module 'block.fc' is not finite", incident.Diagnosis.Detail);
        // The guard reset the detector: the next step's forward pass is judged on its own.
        Assert.Null(detector.FirstOffender);
    }

    [Fact]
    public void A_clean_guarded_step_costs_one_host_synchronisation_with_or_without_the_scaler()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 32);
        using var optimizer = torch.optim.Adam(model.parameters());
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions { SpikeDetection = new SpikeOptions() });
        var scaler = new LossScaler();

        var loss = Batches.Loss(model, seed: 1);
        loss.backward();
        var before = HostSynchronizations.Count;
        Assert.True(guard.Step(loss).Steps);
        Assert.Equal(1, HostSynchronizations.Count - before);

        optimizer.zero_grad();
        loss = Batches.Loss(model, seed: 2);
        scaler.scale(loss).backward();
        before = HostSynchronizations.Count;
        Assert.True(guard.Step(loss, scaler).Steps);
        Assert.Equal(1, HostSynchronizations.Count - before);

        optimizer.zero_grad();
        Batches.Loss(model, seed: 3).backward();
        before = HostSynchronizations.Count;
        Assert.True(GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0).Stepped);
        Assert.Equal(1, HostSynchronizations.Count - before);
    }

    [Fact]
    public void Parameters_without_a_gradient_are_skipped_and_named_by_the_guard_the_step_the_check_and_the_scaler()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(33);
        var model = new TinyNet(nn.Tanh());
        var unused = nn.Linear(4, 4);
        var all = nn.Sequential(("net", model), ("unused", unused));
        using var optimizer = torch.optim.Adam(all.parameters(), lr: 0.01);
        using var guard = new TrainingGuard(all, optimizer);
        var scaler = new LossScaler();
        var skipped = new[] { "unused.weight", "unused.bias" };
        var unusedBefore = Weights(unused);

        var loss = Batches.Loss(model, seed: 1);
        scaler.scale(loss).backward();
        Assert.Equal(new[] { "parameter #4", "parameter #5" }, scaler.unscale_(all.parameters()));
        var decision = guard.Step(loss, scaler);

        Assert.True(decision.Steps);
        Assert.Equal(skipped, guard.ParametersWithoutGradient);
        BitEqual(unusedBefore, Weights(unused));
        Assert.Equal(skipped, GradientCheck.Of(all).ParametersWithoutGradient);

        // zero_grad(set_to_none) leaves every gradient null: nothing to step on, and each step says so.
        all.zero_grad();
        var weights = Weights(all);
        var result = GuardedStep.ClipAndStep(optimizer, all.parameters(), 1.0);
        Assert.True(result.Stepped);
        Assert.Equal(0.0, result.GradientNorm);
        Assert.Equal(6, result.ParametersWithoutGradient);
        Assert.Equal(6, guard.Step(loss).Steps ? guard.ParametersWithoutGradient.Count : -1);
        BitEqual(weights, Weights(all));
    }

    [Fact]
    public void The_guard_names_the_gradient_as_backward_left_it_not_as_clipping_would_have_made_it()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 35);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        using var guard = new TrainingGuard(model, optimizer, new GuardOptions { MaxNorm = 0.1 });
        NonFiniteGradient? named = null;
        guard.Incident += (_, e) => named = e.Gradient;
        var loss = Batches.Loss(model, seed: 1);
        loss.backward();
        var fc2 = model.named_parameters().Single(p => p.name == "fc2.weight").parameter;
        Batches.PoisonGradient(fc2, float.PositiveInfinity);
        var finite = Gradient(fc2)!.Skip(1).ToArray();

        Assert.False(guard.Step(loss).Steps);

        Assert.Equal("fc2.weight", named!.ParameterName);
        Assert.Equal("fc2", named.ModulePath);
        Assert.Equal(1, named.Report.Statistics.PositiveInfinityCount);
        Assert.Equal(0, named.Report.Statistics.NaNCount);
        Assert.Equal(finite.Min(), named.Report.Statistics.Min!.Value, 6);
        Assert.Equal(finite.Max(), named.Report.Statistics.Max!.Value, 6);
    }

    [Fact]
    public void A_skipped_guarded_step_names_the_first_non_finite_gradient_by_its_position()
    {
        using var scope = torch.NewDisposeScope();
        var model = Batches.Mlp(seed: 34);
        using var optimizer = torch.optim.SGD(model.parameters(), 0.1);
        Batches.Loss(model, seed: 1).backward();
        Batches.PoisonGradient(model.parameters().ElementAt(2), float.NegativeInfinity);

        var result = GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0);

        Assert.False(result.Stepped);
        Assert.Equal("parameter #2", result.FirstNonFinite!.ParameterName);
        Assert.Equal(1, result.FirstNonFinite.Report.Statistics.NegativeInfinityCount);
    }
}
