using System;
using System.Collections.Generic;
using System.Linq;
using NanGuard.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NanGuard.Proofs.Tests;

/// <summary>
/// The proof behind NG2001's and NG2003's claims about optimizers: how each optimizer family TorchSharp 0.107.0
/// offers moves a weight when the gradient explodes (finite, 1e6) and when it is not finite (NaN, Inf), stepped as
/// written, after <c>clip_grad_norm_(…, 1.0)</c>, and through NanGuard.Runtime's guarded steps, on libtorch 2.10 (CPU,
/// float32). The figures asserted here are the ones docs/rules/NG2001.md and NG2003.md state.
/// </summary>
/// <remarks>
/// The model is a bias-free <c>Linear(4, 1)</c> whose weight starts at <see cref="Start"/>; the loss of step k is
/// <c>sum(w * g_k)</c>, so the gradient is exactly <c>g_k</c>. <see cref="Direction"/> has norm 1: a gradient of scale s
/// has norm s, and clipping to 1 scales it by 1 / s. Learning rate 0.01 for every optimizer.
/// </remarks>
public sealed class OptimizerProofs
{
    private const double Lr = 0.01;
    private static readonly float[] Start = { 1f, -1f, 0.5f, 2f };
    private static readonly float[] Direction = { 0.5f, -0.5f, 0.5f, -0.5f };

    private readonly ITestOutputHelper _output;

    public OptimizerProofs(ITestOutputHelper output) => _output = output;

    public enum Kind { Sgd, SgdMomentum, Adam, AdamW, RMSProp, Adagrad, Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop }

    public enum Stepper
    {
        /// <summary><c>optimizer.step()</c>.</summary>
        Plain,

        /// <summary><c>clip_grad_norm_(parameters, 1.0)</c>, then <c>optimizer.step()</c>.</summary>
        Clipped,

        /// <summary><c>GuardedStep.ClipAndStep(optimizer, parameters, 1.0)</c>: clip, step only on a finite norm.</summary>
        Guarded,

        /// <summary><c>GuardedStep.ClipAndStep(optimizer, parameters, +inf)</c>: the non-finite check alone, no clipping.</summary>
        GuardedUnclipped,

        /// <summary><c>new TrainingGuard(model, optimizer).Step(loss)</c> with its default options (skip, max norm 1).</summary>
        TrainingGuard,
    }

    private static float[] Scaled(double scale) => Direction.Select(d => (float)(d * scale)).ToArray();

    private static float[] With(float value, int at = 1)
    {
        var g = (float[])Direction.Clone();
        g[at] = value;
        return g;
    }

    /// <summary>The weights before the first step (row 0) and after each step, one gradient a step.</summary>
    internal static double[][] Run(Kind kind, Stepper stepper, IEnumerable<float[]> gradients)
    {
        using var scope = torch.NewDisposeScope();
        var model = nn.Linear(4, 1, hasBias: false);
        var weight = model.weight!;
        using (torch.no_grad())
            weight.copy_(torch.tensor(Start).reshape(1, 4));
        optim.Optimizer optimizer = kind switch
        {
            Kind.Sgd => torch.optim.SGD(model.parameters(), learningRate: Lr),
            Kind.SgdMomentum => torch.optim.SGD(model.parameters(), learningRate: Lr, momentum: 0.9),
            Kind.Adam => torch.optim.Adam(model.parameters(), lr: Lr),
            Kind.AdamW => torch.optim.AdamW(model.parameters(), lr: Lr, weight_decay: 0.01),
            Kind.RMSProp => torch.optim.RMSProp(model.parameters(), lr: Lr),
            Kind.Adagrad => torch.optim.Adagrad(model.parameters(), lr: Lr),
            Kind.Adadelta => torch.optim.Adadelta(model.parameters(), lr: Lr),
            Kind.Adamax => torch.optim.Adamax(model.parameters(), lr: Lr),
            Kind.NAdam => torch.optim.NAdam(model.parameters(), lr: Lr),
            Kind.RAdam => torch.optim.RAdam(model.parameters(), lr: Lr),
            Kind.ASGD => torch.optim.ASGD(model.parameters(), lr: Lr),
            _ => torch.optim.Rprop(model.parameters(), lr: Lr),
        };
        using var guard = stepper == Stepper.TrainingGuard ? new TrainingGuard(model, optimizer) : null;
        var weights = new List<double[]> { Values.Of(weight) };
        foreach (var g in gradients)
        {
            using var stepScope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = (weight * torch.tensor(g).reshape(1, 4)).sum();
            loss.backward();
            switch (stepper)
            {
                case Stepper.Plain:
                    optimizer.step();
                    break;
                case Stepper.Clipped:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                    optimizer.step();
                    break;
                case Stepper.Guarded:
                    GuardedStep.ClipAndStep(optimizer, model.parameters(), 1.0);
                    break;
                case Stepper.GuardedUnclipped:
                    GuardedStep.ClipAndStep(optimizer, model.parameters(), double.PositiveInfinity);
                    break;
                case Stepper.TrainingGuard:
                    guard!.Step(loss);
                    break;
            }
            weights.Add(Values.Of(weight));
        }
        return weights.ToArray();
    }

    /// <summary>The largest |change| of a weight from one row to the next.</summary>
    private static double Moved(double[] before, double[] after) => before.Zip(after, (b, a) => Math.Abs(a - b)).Max();

    /// <summary>The largest |change| of a weight in the first step.</summary>
    private static double FirstStep(Kind kind, Stepper stepper, double scale)
    {
        var w = Run(kind, stepper, new[] { Scaled(scale) });
        return Moved(w[0], w[1]);
    }

    /// <summary>The largest |change| of a weight at a spike of <paramref name="scale"/> after 100 steps at gradient scale 1e-3.</summary>
    private static double SpikeStep(Kind kind, Stepper stepper, double scale)
    {
        var w = Run(kind, stepper, Enumerable.Repeat(Scaled(1e-3), 100).Append(Scaled(scale)));
        return Moved(w[100], w[101]);
    }

    [Fact]
    public void NG2001_plain_SGD_moves_by_lr_times_the_gradient_and_clipping_bounds_it()
    {
        // Unclipped, a gradient of 1e6 moves each weight by lr * 1e6 * 0.5 = 5000; clipped to norm 1, by lr * 0.5.
        var exploding = FirstStep(Kind.Sgd, Stepper.Plain, 1e6);
        var clipped = FirstStep(Kind.Sgd, Stepper.Clipped, 1e6);
        _output.WriteLine($"SGD, gradient 1e6: unclipped {exploding:G4}, clipped {clipped:G4}");
        Values.AssertNear(5000, exploding, "SGD's step at a 1e6 gradient");
        Values.AssertNear(0.005, clipped, "SGD's clipped step at a 1e6 gradient");
        // Below the max norm clipping changes nothing: the step is lr * 1e-3 * 0.5 either way.
        // (Within float32's half ulp at |w| = 2, 1.2e-7.)
        Values.AssertNear(5e-6, FirstStep(Kind.Sgd, Stepper.Plain, 1e-3), "SGD's step at a 1e-3 gradient", absolute: 1.2e-7);
        Values.AssertNear(5e-6, FirstStep(Kind.Sgd, Stepper.Clipped, 1e-3), "SGD's clipped step at a 1e-3 gradient", absolute: 1.2e-7);
    }

    [Fact]
    public void NG2001_SGD_with_momentum_keeps_moving_after_a_spike_unless_clipped()
    {
        // One spike of 1e6 after 100 small steps, then 20 more small steps: the momentum buffer carries the spike, so
        // the weights go on moving by thousands after it; clipped, the spike adds at most lr * 0.5 a step.
        var gradients = Enumerable.Repeat(Scaled(1e-3), 100).Append(Scaled(1e6)).Concat(Enumerable.Repeat(Scaled(1e-3), 20)).ToArray();
        var plain = Run(Kind.SgdMomentum, Stepper.Plain, gradients);
        var clipped = Run(Kind.SgdMomentum, Stepper.Clipped, gradients);
        var plainTotal = Moved(plain[100], plain[121]);
        var clippedTotal = Moved(clipped[100], clipped[121]);
        _output.WriteLine($"SGD momentum 0.9, spike 1e6: at the spike {Moved(plain[100], plain[101]):G4}, over the 21 steps from it {plainTotal:G4}; clipped {Moved(clipped[100], clipped[101]):G4} and {clippedTotal:G4}");
        Values.AssertNear(5000, Moved(plain[100], plain[101]), "SGD momentum's step at the spike", relative: 1e-3);
        // 5000 * (1 - 0.9^21) / (1 - 0.9) = 44,530: nine times the spike's own step, after it.
        Assert.InRange(plainTotal, 44_000, 45_000);
        Assert.InRange(clippedTotal, 0.04, 0.05);
    }

    [Theory]
    [InlineData(Kind.Adam)]
    [InlineData(Kind.AdamW)]
    public void NG2001_Adam_steps_by_about_lr_whatever_the_gradient_and_clipping_does_not_change_it(Kind kind)
    {
        // The first step is lr times the gradient's sign, at 1e-3, 1 or 1e6, clipped or not. (AdamW's decoupled decay,
        // lr * 0.01 * w, adds 2e-4 at |w| = 2: 2% of lr.)
        var tolerance = kind == Kind.AdamW ? 0.021 : 1e-3;
        foreach (var scale in new[] { 1e-3, 1, 1e6 })
        {
            foreach (var stepper in new[] { Stepper.Plain, Stepper.Clipped })
            {
                var step = FirstStep(kind, stepper, scale);
                _output.WriteLine($"{kind}, first step, gradient {scale:G}, {stepper}: {step:G6}");
                Values.AssertNear(Lr, step, $"{kind}'s first step at gradient {scale} ({stepper})", relative: tolerance);
            }
        }

        // A spike of 1e6 after 100 steps at 1e-3 moves a weight by about lr too (the ratio m / sqrt(v) is bounded by
        // (1 - beta1) / sqrt(1 - beta2) = 3.16 with the bias corrections undone); clipped to norm 1 the spike is still a
        // thousand times the usual gradient, and the step is the same.
        var spike = SpikeStep(kind, Stepper.Plain, 1e6);
        var clippedSpike = SpikeStep(kind, Stepper.Clipped, 1e6);
        _output.WriteLine($"{kind}, spike 1e6 after 100 steps at 1e-3: unclipped {spike:G6}, clipped {clippedSpike:G6}");
        Assert.InRange(spike, 0.5 * Lr, 3.2 * Lr);
        Values.AssertNear(spike, clippedSpike, $"{kind}'s clipped step at the spike", relative: 0.01);
    }

    [Fact]
    public void NG2001_RMSprop_steps_by_about_ten_times_lr_whatever_the_gradient_and_clipping_does_not_change_it()
    {
        // v = 0.01 g^2 after one step, so g / sqrt(v) = 10: the first step is 10 lr at any gradient scale.
        foreach (var scale in new[] { 1e-3, 1, 1e6 })
        {
            var plain = FirstStep(Kind.RMSProp, Stepper.Plain, scale);
            var clipped = FirstStep(Kind.RMSProp, Stepper.Clipped, scale);
            _output.WriteLine($"RMSprop, first step, gradient {scale:G}: unclipped {plain:G6}, clipped {clipped:G6}");
            Values.AssertNear(10 * Lr, plain, $"RMSprop's first step at gradient {scale}", relative: 1e-3);
            Values.AssertNear(10 * Lr, clipped, $"RMSprop's clipped first step at gradient {scale}", relative: 1e-3);
        }

        var spike = SpikeStep(Kind.RMSProp, Stepper.Plain, 1e6);
        var clippedSpike = SpikeStep(Kind.RMSProp, Stepper.Clipped, 1e6);
        _output.WriteLine($"RMSprop, spike 1e6 after 100 steps at 1e-3: unclipped {spike:G6}, clipped {clippedSpike:G6}");
        Assert.InRange(spike, 9 * Lr, 10.01 * Lr);
        Values.AssertNear(spike, clippedSpike, "RMSprop's clipped step at the spike", relative: 0.01);
    }

    [Theory]
    [InlineData(Kind.Sgd)]
    [InlineData(Kind.SgdMomentum)]
    [InlineData(Kind.Adam)]
    [InlineData(Kind.AdamW)]
    [InlineData(Kind.RMSProp)]
    public void NG2001_a_NaN_gradient_makes_weights_NaN_clipped_or_not_and_the_guarded_steps_keep_them_finite(Kind kind)
    {
        var nan = With(float.NaN);
        // Unclipped, the weight whose gradient is NaN becomes NaN (the others take their usual step).
        var plain = Run(kind, Stepper.Plain, new[] { nan })[1];
        _output.WriteLine($"{kind}, NaN gradient, unclipped: [{Values.Show(plain)}]");
        Assert.True(double.IsNaN(plain[1]));
        Assert.Equal(3, plain.Count(double.IsFinite));
        // Clipped, the norm is NaN and clip_grad_norm_ multiplies every gradient by max_norm / NaN: every weight is NaN.
        var clipped = Run(kind, Stepper.Clipped, new[] { nan })[1];
        _output.WriteLine($"{kind}, NaN gradient, clipped: [{Values.Show(clipped)}]");
        Assert.All(clipped, w => Assert.True(double.IsNaN(w)));
        // The guarded steps do not step: the weights stay as they were, and the next finite step is taken.
        foreach (var stepper in new[] { Stepper.Guarded, Stepper.GuardedUnclipped, Stepper.TrainingGuard })
        {
            var guarded = Run(kind, stepper, new[] { nan, Scaled(1) });
            _output.WriteLine($"{kind}, NaN gradient then a finite one, {stepper}: [{Values.Show(guarded[1])}] then [{Values.Show(guarded[2])}]");
            Assert.Equal(Start.Select(s => (double)s), guarded[1]);
            Assert.All(guarded[2], w => Assert.True(double.IsFinite(w)));
            Assert.True(Moved(guarded[1], guarded[2]) > 0, $"{kind} ({stepper}) did not step on the finite gradient after the NaN one");
        }
    }

    [Theory]
    [InlineData(Kind.Sgd)]
    [InlineData(Kind.SgdMomentum)]
    [InlineData(Kind.Adam)]
    [InlineData(Kind.AdamW)]
    [InlineData(Kind.RMSProp)]
    public void NG2001_an_infinite_gradient_is_not_made_finite_by_clipping(Kind kind)
    {
        var inf = With(float.PositiveInfinity);
        var plain = Run(kind, Stepper.Plain, new[] { inf })[1];
        var clipped = Run(kind, Stepper.Clipped, new[] { inf })[1];
        var guarded = Run(kind, Stepper.GuardedUnclipped, new[] { inf })[1];
        _output.WriteLine($"{kind}, Inf gradient: unclipped [{Values.Show(plain)}], clipped [{Values.Show(clipped)}], guarded [{Values.Show(guarded)}]");
        Assert.False(double.IsFinite(plain[1]));
        // The norm is Inf: max_norm / Inf = 0 zeroes the finite gradients, and 0 * Inf is NaN in the infinite one.
        Assert.True(double.IsNaN(clipped[1]));
        Assert.Equal(Start.Select(s => (double)s), guarded);
    }

    [Theory]
    // The step does not grow with the gradient: it is set by lr (Adagrad lr, Adamax lr, NAdam about lr, RAdam's first
    // steps are SGD with momentum on the bias-corrected average, Rprop lr, Adadelta about sqrt(eps) / sqrt(eps) * lr).
    [InlineData(Kind.Adagrad, false)]
    [InlineData(Kind.Adamax, false)]
    [InlineData(Kind.NAdam, false)]
    [InlineData(Kind.Rprop, false)]
    [InlineData(Kind.Adadelta, false)]
    // The step is lr times the gradient, as SGD's (RAdam's first five steps, before its variance is tractable; ASGD).
    [InlineData(Kind.RAdam, true)]
    [InlineData(Kind.ASGD, true)]
    public void NG2001_the_other_optimizers_step_with_the_gradient_or_not_and_a_NaN_gradient_is_NaN_clipped_or_not(Kind kind, bool growsWithGradient)
    {
        var small = FirstStep(kind, Stepper.Plain, 1);
        var large = FirstStep(kind, Stepper.Plain, 1e6);
        var clipped = FirstStep(kind, Stepper.Clipped, 1e6);
        _output.WriteLine($"{kind}, first step: gradient 1 {small:G4}, gradient 1e6 {large:G4}, 1e6 clipped {clipped:G4}");
        if (growsWithGradient)
        {
            Values.AssertNear(1e6 * small, large, $"{kind}'s step at a 1e6 gradient", relative: 1e-3);
            Values.AssertNear(small, clipped, $"{kind}'s clipped step at a 1e6 gradient", relative: 1e-3);
        }
        else
        {
            Values.AssertNear(small, large, $"{kind}'s step at a 1e6 gradient", relative: 1e-3);
        }

        var nan = With(float.NaN);
        var plain = Run(kind, Stepper.Plain, new[] { nan })[1];
        var clippedNaN = Run(kind, Stepper.Clipped, new[] { nan })[1];
        _output.WriteLine($"{kind}, NaN gradient: unclipped [{Values.Show(plain)}], clipped [{Values.Show(clippedNaN)}]");
        if (kind == Kind.Rprop)
        {
            // Rprop steps by the gradient's sign alone, and a NaN has none: the weight whose gradient is NaN stays as it
            // was, and clipped (every gradient NaN) no weight moves. The one optimizer a NaN gradient leaves finite.
            Assert.Equal(-1.0, plain[1]);
            Assert.Equal(Start.Select(s => (double)s), clippedNaN);
        }
        else
        {
            Assert.True(double.IsNaN(plain[1]));
            Assert.All(clippedNaN, w => Assert.True(double.IsNaN(w)));
        }
        Assert.Equal(Start.Select(s => (double)s), Run(kind, Stepper.Guarded, new[] { nan })[1]);
    }
}
