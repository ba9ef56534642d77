using System;
using System.IO;
using Xunit;

namespace NanGuard.Runtime.Tests;

/// <summary>The loss scale's decisions, GradScaler's: skip and halve on non-finite gradients, double after the growth interval.</summary>
public sealed class LossScaleScheduleTests
{
    [Fact]
    public void The_defaults_are_GradScalers()
    {
        var options = new LossScalerOptions();
        Assert.Equal(65536.0, options.InitialScale);
        Assert.Equal(2.0, options.GrowthFactor);
        Assert.Equal(0.5, options.BackOffFactor);
        Assert.Equal(2000, options.GrowthInterval);
        Assert.Equal(65536.0, new LossScaleSchedule().Scale);
    }

    [Fact]
    public void Non_finite_gradients_skip_the_step_and_halve_the_scale_each_time()
    {
        var schedule = new LossScaleSchedule();
        var first = schedule.Update(gradientsFinite: false);
        Assert.True(first.StepSkipped);
        Assert.True(first.BackedOff);
        Assert.Equal(65536.0, first.PreviousScale);
        Assert.Equal(32768.0, first.Scale);
        Assert.Equal(16384.0, schedule.Update(false).Scale);
        Assert.Equal(2, schedule.Overflows);

        var clean = schedule.Update(gradientsFinite: true);
        Assert.False(clean.StepSkipped);
        Assert.False(clean.BackedOff);
        Assert.Equal(16384.0, clean.Scale);
    }

    [Fact]
    public void The_scale_doubles_at_the_growth_intervals_clean_step_not_one_before()
    {
        var schedule = new LossScaleSchedule(new LossScalerOptions { GrowthInterval = 5 });
        for (var i = 1; i < 5; i++)
        {
            Assert.Equal(65536.0, schedule.Update(true).Scale);
            Assert.Equal(i, schedule.GrowthTracker);
        }

        var fifth = schedule.Update(true);
        Assert.True(fifth.Grew);
        Assert.Equal(131072.0, fifth.Scale);
        Assert.Equal(0, schedule.GrowthTracker);
        Assert.Equal(1, schedule.Growths);
    }

    [Fact]
    public void An_overflow_restarts_the_growth_count()
    {
        var schedule = new LossScaleSchedule(new LossScalerOptions { GrowthInterval = 3 });
        schedule.Update(true);
        schedule.Update(true);
        schedule.Update(false);
        Assert.Equal(0, schedule.GrowthTracker);
        schedule.Update(true);
        schedule.Update(true);
        Assert.Equal(32768.0, schedule.Scale);
        Assert.Equal(65536.0, schedule.Update(true).Scale);
    }

    [Fact]
    public void The_scale_stops_at_its_floor_and_an_overflow_there_is_no_back_off()
    {
        var schedule = new LossScaleSchedule(new LossScalerOptions { InitialScale = 4, MinScale = 2 });
        Assert.True(schedule.Update(false).BackedOff);
        var atFloor = schedule.Update(false);
        Assert.True(atFloor.StepSkipped);
        Assert.False(atFloor.BackedOff);
        Assert.Equal(2.0, atFloor.Scale);
    }

    [Fact]
    public void Factors_and_interval_are_configurable()
    {
        var schedule = new LossScaleSchedule(new LossScalerOptions { InitialScale = 1024, BackOffFactor = 0.25, GrowthFactor = 4, GrowthInterval = 1 });
        Assert.Equal(256.0, schedule.Update(false).Scale);
        Assert.Equal(1024.0, schedule.Update(true).Scale);
    }

    [Fact]
    public void The_state_round_trips_through_a_stream_and_a_fresh_schedule_continues_where_it_stopped()
    {
        var options = new LossScalerOptions { GrowthInterval = 4 };
        var schedule = new LossScaleSchedule(options);
        schedule.Update(false);
        schedule.Update(true);
        schedule.Update(true);
        using var stream = new MemoryStream();
        schedule.Save(stream);

        stream.Position = 0;
        var restored = new LossScaleSchedule(options);
        restored.Load(stream);

        Assert.Equal(32768.0, restored.Scale);
        Assert.Equal(2, restored.GrowthTracker);
        Assert.Equal(1, restored.Overflows);
        restored.Update(true);
        Assert.Equal(65536.0, restored.Update(true).Scale);
    }

    [Fact]
    public void Loading_something_else_is_refused()
    {
        var schedule = new LossScaleSchedule();
        using var stream = new MemoryStream(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        Assert.Throws<InvalidDataException>(() => schedule.Load(stream));
        Assert.Equal(65536.0, schedule.Scale);
    }

    [Fact]
    public void Wrong_options_are_refused_naming_the_property()
    {
        Assert.Equal("GrowthFactor", Assert.Throws<ArgumentOutOfRangeException>(() => new LossScalerOptions { GrowthFactor = 1.0 }).ParamName);
        Assert.Equal("BackOffFactor", Assert.Throws<ArgumentOutOfRangeException>(() => new LossScalerOptions { BackOffFactor = 1.0 }).ParamName);
        Assert.Equal("GrowthInterval", Assert.Throws<ArgumentOutOfRangeException>(() => new LossScalerOptions { GrowthInterval = 0 }).ParamName);
        Assert.Equal("InitialScale", Assert.Throws<ArgumentOutOfRangeException>(() => new LossScalerOptions { InitialScale = double.PositiveInfinity }).ParamName);
        Assert.Equal("MinScale", Assert.Throws<ArgumentOutOfRangeException>(() => new LossScalerOptions { MinScale = 0 }).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentOutOfRangeException>(() => new LossScaleSchedule(new LossScalerOptions { InitialScale = 0.5 })).ParamName);
        Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => new LossScaleSchedule().Save(null!)).ParamName);
    }

    [Fact]
    public void The_engine_skips_a_scale_overflow_without_an_incident_and_judges_an_overflow_at_the_floor_by_its_policy()
    {
        var engine = new GuardPolicyEngine(new GuardOptions { Policy = GuardPolicy.BackOff, MaxConsecutiveBadSteps = 2 });
        for (var i = 0; i < 5; i++)
        {
            var overflow = engine.Decide(2.0, double.PositiveInfinity, lossScaleBackedOff: true);
            Assert.Equal(StepAction.Skip, overflow.Action);
            Assert.Equal(IncidentKind.LossScaleOverflow, overflow.Diagnosis!.Kind);
        }

        Assert.Equal(5, engine.Statistics.LossScaleOverflows);
        Assert.Equal(0, engine.Statistics.ConsecutiveBadSteps);
        Assert.Equal(1.0, engine.LearningRateScale);

        Assert.Equal(StepAction.BackOff, engine.Decide(2.0, double.NaN, lossScaleBackedOff: false).Action);
        Assert.Equal(StepAction.Stop, engine.Decide(double.NaN, double.NaN, lossScaleBackedOff: true).Action);
    }
}
