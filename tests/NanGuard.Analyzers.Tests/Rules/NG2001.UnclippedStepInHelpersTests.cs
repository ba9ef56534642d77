using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.UnclippedStepAnalyzer,
    NanGuard.CodeFixes.Rules.UnclippedStepCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

/// <summary>
/// NG2001 where the training loop's backward() and step() are in a method of the user's own, or a local function, that
/// the loop calls: reported once, at the step in that method, where no loop that calls it clips; clipping in a method
/// the loop calls counts, a few calls deep.
/// </summary>
public sealed class UnclippedStepInHelpersTests
{
    // The second part of NG2001's message: what clipping does for the optimizer the loop steps (see the rule's page).
    private const string AdamFamily = "Adam: the step is about the learning rate whatever the gradient's size, so clipping does not bound it; what keeps the weights finite is skipping a step whose gradient is NaN or Inf";
    private const string UnknownFamily = "clipping bounds an exploding gradient's step for SGD, not for Adam or RMSProp, whose step is about the learning rate; skipping a step whose gradient is NaN or Inf keeps the weights finite for all";

    private const string Usings = """
        using System;
        using TorchSharp;
        using TorchSharp.Modules;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    // A loop that calls TrainStep, whose body back-propagates and steps (the shape of a detector's port).
    private static string Program(string trainStep, string loopBody = "TrainStep(model, optimizer, x, y);", string more = "") => Usings + $$"""
        class Program
        {
            static void Main(Tensor x, Tensor y)
            {
                var model = nn.Linear(4, 2);
                var optimizer = torch.optim.Adam(model.parameters(), lr: 0.001);
                for (var epoch = 0; epoch < 10; epoch++)
                {
                    optimizer.zero_grad();
                    {{loopBody}}
                }
            }

        {{trainStep}}
        {{more}}
        }
        """;

    private const string TrainStep = """
            static void TrainStep(Linear model, optim.Optimizer optimizer, Tensor x, Tensor y)
            {
                var loss = F.mse_loss(model.call(x), y);
                {|#1:loss.backward()|};
                {|#0:optimizer.step()|};
            }
        """;

    // The source with its one marked step fixed: the clip written on the line before it, on what the fix clips.
    private static string Fixed(string source, string clipped)
    {
        var marked = System.Text.RegularExpressions.Regex.Match(source, @"( *)\[\|(\w+)\.step\(\)\|\];");
        return source.Replace(marked.Value,
            marked.Groups[1].Value + "torch.nn.utils.clip_grad_norm_(" + clipped + ", 1.0);\n"
            + marked.Groups[1].Value + marked.Groups[2].Value + ".step();");
    }

    [Fact]
    public Task Step_in_a_method_the_loop_calls_is_reported_at_the_step() =>
        Verify.VerifyAnalyzerAsync(Program(TrainStep),
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info).WithArguments("", AdamFamily));

    [Fact]
    public Task Risk_comes_from_the_optimizer_the_loop_passes() =>
        Verify.VerifyAnalyzerAsync(Program(TrainStep).Replace("torch.optim.Adam(model.parameters(), lr: 0.001)", "torch.optim.SGD(model.parameters(), learningRate: 0.8)"),
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithArguments(" (SGD at learning rate 0.8, built in Program.Main)", UnclippedStepClaims.Sgd));

    [Fact]
    public Task Local_function_the_loop_calls_is_fixed_in_place()
    {
        var source = Usings + """
            class Program
            {
                static void Main(Tensor x, Tensor y)
                {
                    var model = nn.Linear(4, 2);
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 0.001);
                    foreach (var batch in new[] { x, x })
                    {
                        optimizer.zero_grad();
                        Step(batch);
                    }

                    void Step(Tensor input)
                    {
                        F.mse_loss(model.call(input), y).backward();
                        [|optimizer.step()|];
                    }
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, Fixed(source, "model.parameters()"));
    }

    [Fact]
    public Task Helper_called_from_two_loops_is_reported_once_and_fixed_in_the_helper()
    {
        var source = Usings + """
            class Program
            {
                static void Main(Linear model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.SGD(model.parameters(), learningRate: 0.001);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        Update(model, optimizer, x, y);
                    }
                    while (x.sum().item<float>() > 0)
                    {
                        optimizer.zero_grad();
                        Update(model, optimizer, x, y);
                    }
                }

                static void Update(Linear model, optim.Optimizer optimizer, Tensor x, Tensor y)
                {
                    F.mse_loss(model.call(x), y).backward();
                    [|optimizer.step()|];
                }
            }
            """;
        return Verify.VerifyCodeFixAsync(source, Fixed(source, "optimizer.parameters()"));
    }

    [Fact]
    public Task Backward_in_the_loop_and_step_in_the_method_it_calls() =>
        Verify.VerifyAnalyzerAsync(Program("""
                static void Apply(optim.Optimizer optimizer) => {|#0:optimizer.step()|};
            """, loopBody: "{|#1:F.mse_loss(model.call(x), y).backward()|};\n            Apply(optimizer);"),
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info).WithArguments("", AdamFamily));

    [Fact]
    public Task Backward_in_a_method_the_loop_calls_before_its_own_step()
    {
        var source = Usings + """
            class Program
            {
                static void Main(Linear model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 0.001);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        Backpropagate(F.mse_loss(model.call(x), y));
                        [|optimizer.step()|];
                    }
                }

                static void Backpropagate(Tensor loss) => loss.backward();
            }
            """;
        return Verify.VerifyCodeFixAsync(source, Fixed(source, "model.parameters()"));
    }

    [Fact]
    public Task Followed_three_calls_deep_and_no_further() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                static void Main(Linear model, optim.Optimizer optimizer, Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        One(optimizer, loss);
                    }
                }

                static void One(optim.Optimizer optimizer, Tensor loss) => Two(optimizer, loss);
                static void Two(optim.Optimizer optimizer, Tensor loss) => Three(optimizer, loss);
                static void Three(optim.Optimizer optimizer, Tensor loss)
                {
                    {|#1:loss.backward()|};
                    {|#0:optimizer.step()|};
                    Four(optimizer, loss);
                }
                static void Four(optim.Optimizer optimizer, Tensor loss)
                {
                    loss.backward();
                    optimizer.step();
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info).WithArguments("", UnknownFamily));

    [Theory]
    [InlineData("""
            static void TrainStep(Linear model, optim.Optimizer optimizer, Tensor x, Tensor y)
            {
                F.mse_loss(model.call(x), y).backward();
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                optimizer.step();
            }
        """)]
    [InlineData("""
            static void TrainStep(Linear model, optim.Optimizer optimizer, Tensor x, Tensor y)
            {
                F.mse_loss(model.call(x), y).backward();
                Clip(model);
                optimizer.step();
            }

            static void Clip(Linear model) => Bound(model, 1.0);
            static void Bound(Linear model, double norm) => torch.nn.utils.clip_grad_value_(model.parameters(), norm);
        """)]
    public Task Helper_that_clips_itself_or_through_its_calls_is_safe(string trainStep) =>
        Verify.VerifyAnalyzerAsync(Program(trainStep));

    [Fact]
    public Task Clipping_in_another_method_the_loop_calls_counts() =>
        Verify.VerifyAnalyzerAsync(Program("""
                static void Backward(Linear model, Tensor x, Tensor y) => F.mse_loss(model.call(x), y).backward();
                static void Clip(Linear model) => torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                static void Apply(optim.Optimizer optimizer) => optimizer.step();
            """, loopBody: "Backward(model, x, y);\n            Clip(model);\n            Apply(optimizer);"));

    [Fact]
    public Task Helper_no_loop_calls_is_not_reported() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                static void Main(Linear model, optim.Optimizer optimizer, Tensor loss)
                {
                    TrainStep(optimizer, loss);
                    for (var i = 0; i < 10; i++)
                        Console.WriteLine(i);
                    Action each = () => TrainStep(optimizer, loss);
                    for (var i = 0; i < 10; i++)
                        each();
                    for (var i = 0; i < 10; i++)
                        new Action(() => TrainStep(optimizer, loss))();
                }

                static void TrainStep(optim.Optimizer optimizer, Tensor loss)
                {
                    loss.backward();
                    optimizer.step();
                }

                public static void OnBatch(optim.Optimizer optimizer, Tensor loss)
                {
                    loss.backward();
                    optimizer.step();
                }
            }
            """);

    [Fact]
    public Task Virtual_helper_and_loop_without_backward_are_not_followed() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Trainer
            {
                public void Fit(optim.Optimizer optimizer, Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        TrainStep(optimizer, loss);
                        Apply(optimizer);
                    }
                }

                protected virtual void TrainStep(optim.Optimizer optimizer, Tensor loss)
                {
                    loss.backward();
                    optimizer.step();
                }

                private static void Apply(optim.Optimizer optimizer) => optimizer.step();
            }
            """);

    [Fact]
    public Task Recursive_helpers_end() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class Program
            {
                static void Main(optim.Optimizer optimizer, Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        Ping(optimizer, loss, 3);
                    }
                }

                static void Ping(optim.Optimizer optimizer, Tensor loss, int left)
                {
                    if (left == 0)
                        return;
                    {|#1:loss.backward()|};
                    {|#0:optimizer.step()|};
                    Pong(optimizer, loss, left - 1);
                    Ping(optimizer, loss, left - 1);
                }

                static void Pong(optim.Optimizer optimizer, Tensor loss, int left) => Ping(optimizer, loss, left);
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info).WithArguments("", UnknownFamily));

    [Fact]
    public async Task Helper_in_another_file_is_reported_in_its_own_file()
    {
        var test = Verify.Test();
        test.TestState.Sources.Add(("/0/Program.cs", Usings + """
            static class Program
            {
                static void Main(Linear model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.Adam(model.parameters(), lr: 0.001);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        Steps.TrainStep(model, optimizer, x, y);
                    }
                }
            }
            """));
        test.TestState.Sources.Add(("/0/Steps.cs", Usings + "public static class Steps\n{\n" + TrainStep.Replace("static void", "public static void") + "}\n"));
        test.ExpectedDiagnostics.Add(Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Info).WithArguments("", AdamFamily));
        await test.RunAsync();
    }

    [Fact]
    public async Task Clipping_in_a_method_of_another_file_counts()
    {
        var test = Verify.Test();
        test.TestState.Sources.Add(("/0/Program.cs", Usings + """
            static class Program
            {
                static void Main(Linear model, optim.Optimizer optimizer, Tensor loss)
                {
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        loss.backward();
                        Gradients.Clip(model);
                        optimizer.step();
                    }
                }
            }
            """));
        test.TestState.Sources.Add(("/0/Gradients.cs", Usings + """
            public static class Gradients
            {
                public static void Clip(Linear model) => torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            }
            """));
        await test.RunAsync();
    }
}
